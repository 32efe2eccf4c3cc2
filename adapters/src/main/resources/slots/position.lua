-- ARGV: task id
-- Returns {the task's place in its tenant's queue (0 = next of its tenant), or -1 when not waiting}.
return {place_in_queue(ARGV[1]) or -1}
