-- When the workflow was told of the attempt's callback (its signal accepted by Temporal, so in the
-- workflow's history). A repeated callback signals again only while this is null: repeats of a
-- chatty algorithm add nothing to the history.
alter table task_execution add column callback_signalled_at timestamptz;
