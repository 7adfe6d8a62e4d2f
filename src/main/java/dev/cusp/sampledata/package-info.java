/**
 * Realistic, deterministic sample practices: families with guarantors, providers, CDT-style
 * procedures with fee schedules, carriers and plans, years of appointments, document metadata.
 * Written for benchmarks and demonstrations through the tenant's own pool; same seed and size,
 * same rows.
 */
package dev.cusp.sampledata;
