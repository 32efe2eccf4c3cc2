-- The W3C traceparent of an attempt's first send, when that send was traced (recorded): the
-- algorithm's callback joins the task's trace through it, whatever headers the algorithm sends.
-- Null while tracing is off.
alter table task_execution add column trace_parent text;
