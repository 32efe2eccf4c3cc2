-- The record of every task ever submitted: its taskId is the idempotency key, forever.
create table task (
    task_id              varchar(128) primary key,
    algorithm            varchar(64)  not null,
    tenant               varchar(64)  not null,
    priority             integer      not null check (priority between 1 and 5),
    status               varchar(16)  not null,
    reply_topic          varchar(249) not null,
    -- the request as accepted (input, params, metadata, limits): activities read it from here,
    -- so the workflow's history carries none of it
    request              jsonb        not null,
    attempts             integer      not null default 0,
    output               jsonb,
    error_code           varchar(32),
    error_message        text,
    late_callbacks       integer      not null default 0,
    submitted_at         timestamptz  not null,
    started_at           timestamptz,
    finished_at          timestamptz,
    -- the result sent to the reply topic: its id is stable, and a re-run sends nothing twice
    result_event_id      varchar(64),
    result_published_at  timestamptz,
    updated_at           timestamptz  not null
);

-- Operators and the reconciler look for tasks that are not over yet.
create index task_open_idx on task (algorithm, status) where status in ('ACCEPTED', 'QUEUED', 'RUNNING');

-- One row per attempt. The callback endpoint and the workflow's timeout path compare-and-set its
-- status, so exactly one of them decides how the attempt ended.
create table task_execution (
    task_id        varchar(128) not null references task (task_id),
    attempt        integer      not null check (attempt >= 1),
    status         varchar(16)  not null,
    slot_token     varchar(64),
    invoked_at     timestamptz  not null,
    accepted_at    timestamptz,
    deadline       timestamptz  not null,
    finished_at    timestamptz,
    callback       jsonb,
    primary key (task_id, attempt)
);
