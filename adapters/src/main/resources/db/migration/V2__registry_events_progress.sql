-- The algorithm registry: seeded from configuration where a name is absent, changed through the
-- operator API. Every change is announced on the channel algotask_algorithms, so that each process
-- refreshes its copy at once.
create table algorithm (
    name                       varchar(64)   primary key,
    endpoint                   varchar(2048) not null,
    cancel_endpoint            varchar(2048),
    max_concurrency            integer       not null check (max_concurrency >= 1),
    queue_timeout_seconds      integer       not null check (queue_timeout_seconds between 1 and 604800),
    execution_timeout_seconds  integer       not null check (execution_timeout_seconds between 1 and 86400),
    max_attempts               integer       not null check (max_attempts between 1 and 10),
    created_at                 timestamptz   not null default now(),
    updated_at                 timestamptz   not null default now()
);

create function announce_algorithm() returns trigger language plpgsql as $$
begin
    perform pg_notify('algotask_algorithms', coalesce(new.name, old.name));
    return null;
end $$;

create trigger algorithm_changed after insert or update or delete on algorithm
    for each row execute function announce_algorithm();

-- What the algorithm last reported of the running attempt (contract section 4).
alter table task
    add column progress_attempt   integer,
    add column progress_percent   integer check (progress_percent between 0 and 100),
    add column progress_message   varchar(1024),
    add column progress_at        timestamptz,
    -- the sequence of the task's last event
    add column event_sequence     bigint not null default 0;

-- Every change of a task that a watcher sees (status, attempt, progress), in order, with the task
-- as it was after the change. Written by triggers, so no writer can forget one; each is announced
-- on the channel algotask_task_events with the taskId as payload.
create table task_event (
    task_id   varchar(128) not null references task (task_id),
    sequence  bigint       not null,
    status    varchar(16)  not null,
    at        timestamptz  not null,
    task      jsonb        not null,
    primary key (task_id, sequence)
);

create function next_task_event() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if (new.status, new.attempts, new.progress_percent, new.progress_message)
               is not distinct from (old.status, old.attempts, old.progress_percent, old.progress_message) then
            return new;
        end if;
        new.event_sequence := old.event_sequence + 1;
    else
        new.event_sequence := 1;
    end if;
    return new;
end $$;

-- The task as readers see it: the row without the request, but with the request's metadata.
create function task_snapshot(t task) returns jsonb language sql stable as $$
    select (to_jsonb(t) - 'request') || jsonb_build_object('metadata', t.request -> 'metadata')
$$;

create function record_task_event() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and new.event_sequence = old.event_sequence then
        return null;
    end if;
    insert into task_event (task_id, sequence, status, at, task)
    values (new.task_id, new.event_sequence, new.status, new.updated_at, task_snapshot(new));
    perform pg_notify('algotask_task_events', new.task_id);
    return null;
end $$;

create trigger task_event_sequence before insert or update on task
    for each row execute function next_task_event();

create trigger task_event_record after insert or update on task
    for each row execute function record_task_event();
