-- Which practice schema migrations each site carries (up to which version), next to the Cusp
-- version it runs (site.version). Each peer keeps its own row current; it replicates.
ALTER TABLE site ADD COLUMN practice_schema VARCHAR(16) NULL AFTER version;
