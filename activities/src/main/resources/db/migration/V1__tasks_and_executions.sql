-- The record of every task ever submitted: its taskId is the idempotency key, forever.
create table task (
    task_id        varchar(128) primary key,
    algorithm      varchar(64)  not null,
    tenant         varchar(64)  not null,
    priority       smallint     not null check (priority between 1 and 5),
    status         varchar(16)  not null,
    reply_topic    varchar(249) not null,
    request        jsonb        not null,
    attempts       integer      not null default 0,
    output         jsonb,
    error_code     varchar(32),
    error_message  text,
    submitted_at   timestamptz  not null,
    started_at     timestamptz,
    finished_at    timestamptz,
    updated_at     timestamptz  not null
);

-- Operators and the reconciler look for tasks that are not over yet.
create index task_open_idx on task (algorithm, status) where status in ('ACCEPTED', 'QUEUED', 'RUNNING');

-- One row per attempt: the callback and the workflow's timeout path compare-and-set its status,
-- so exactly one of them decides how the attempt ended.
create table task_execution (
    task_id        varchar(128) not null references task (task_id),
    attempt        integer      not null check (attempt >= 1),
    status         varchar(16)  not null,
    slot_token     varchar(64),
    invoked_at     timestamptz,
    accepted_at    timestamptz,
    deadline       timestamptz,
    finished_at    timestamptz,
    callback       jsonb,
    error_code     varchar(32),
    error_message  text,
    primary key (task_id, attempt)
);
