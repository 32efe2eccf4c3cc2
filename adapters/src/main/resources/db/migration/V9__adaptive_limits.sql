-- Adaptive concurrency limits, opt-in per algorithm: the limit in force moves between
-- min_concurrency and max_concurrency with the algorithm's own answers (429/503, execution
-- timeouts), at most one decrease per adaptive window. Its current value lives in Redis beside the
-- algorithm's slots; these columns are only its settings.
alter table algorithm
    add column adaptive                boolean not null default false,
    add column min_concurrency         integer not null default 1 check (min_concurrency >= 1),
    add column adaptive_window_seconds integer not null default 10
        check (adaptive_window_seconds between 1 and 3600),
    add constraint algorithm_min_concurrency_at_most_max check (min_concurrency <= max_concurrency);
