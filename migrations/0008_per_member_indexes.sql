-- Lookups of one member's rows must cost the same in a community of 100 or of 20,000: an index
-- whose leading columns are (tenant, member) for each table read per member. Without it the
-- planner took member_skills' (tenant, kind, skill) index and read the whole community's skills
-- for one /profile set. tests/bot/storage/test_query_plans.py checks every member command.
CREATE INDEX member_skills_member ON member_skills (tenant_id, member_id);
