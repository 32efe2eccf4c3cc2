-- Retention: a task's events are deleted after their retention (its latest one stays: a watcher
-- reads the task's current state from it), and a finished task's record is compacted after its
-- own (its large fields dropped). The row itself stays for good: its taskId is used up forever.
alter table task add column compacted_at timestamptz;

create index task_event_at_idx on task_event (at);
create index task_compactable_idx on task (finished_at)
    where compacted_at is null and finished_at is not null;

-- The sweep of tasks left ACCEPTED by a failed workflow start.
create index task_accepted_idx on task (submitted_at) where status = 'ACCEPTED';
