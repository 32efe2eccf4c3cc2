-- Callbacks that came again for an attempt they had decided already (same attempt, same status:
-- contract section 4's 200), counted on the task beside the late ones. Like late_callbacks it is
-- no watched column of next_task_event(), so counting adds no event; task_snapshot() serialises
-- the whole row, so the snapshots carry it without being redefined.
alter table task add column repeated_callbacks integer not null default 0;
