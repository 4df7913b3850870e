-- Indexes for the dashboard's reads of a large community (issue 18).
--
-- A member's minutes day by day (the dashboard's members table: each member's week) read from
-- this index alone: the (tenant, member, local_date) key of the table's UNIQUE constraint
-- lacks `minutes`, so each of a 10,000-member community's 70,000 check-ins of a week was a
-- visit to its row, two thirds of that query's time.
CREATE INDEX checkins_member_day_minutes ON checkins (tenant_id, member_id, local_date, minutes);

-- The dashboard's recently solved blockers (solved_at at or after a day): found from the few
-- solved lately, not by walking a year of the community's blockers (220,000 at 10,000
-- members, 0.2 s of the blockers page).
CREATE INDEX blockers_solved ON blockers (tenant_id, solved_at) WHERE solved_at IS NOT NULL;
