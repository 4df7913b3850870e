"""Who counts as a student: the one rule the digest, the organizer report and the dashboard share.

A member still here is a student unless they are an organizer (`organizers`: seen running an
admin command) who has neither checked in nor joined buddy rounds. Organizers set the community
up; counting them made a digest read "48 of 51 members" and welcome "organizer" as a newcomer.
An organizer who studies (a check-in, ever, or `/buddy join`) counts like anyone else.
"""

from __future__ import annotations

# An SQL condition on a `members` row aliased `m`: true for a student. Each test is an index
# lookup from the member (organizers' and check-ins' keys start with tenant and member, buddies'
# with the member), so it costs the same whatever the community's size.
STUDENT = (
    "(NOT EXISTS (SELECT 1 FROM organizers so WHERE so.tenant_id = m.tenant_id"
    " AND so.member_id = m.id)"
    " OR EXISTS (SELECT 1 FROM checkins sc WHERE sc.tenant_id = m.tenant_id"
    " AND sc.member_id = m.id)"
    " OR EXISTS (SELECT 1 FROM buddies sb WHERE sb.member_id = m.id))"
)
