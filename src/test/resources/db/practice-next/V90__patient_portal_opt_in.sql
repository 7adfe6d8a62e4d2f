-- Test-only: "a newer Cusp with one more practice migration". A nullable column, so code
-- written for the older schema keeps working against it.
ALTER TABLE patient ADD COLUMN portal_opt_in TINYINT(1) NULL;
