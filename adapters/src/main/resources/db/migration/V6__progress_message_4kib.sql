-- A progress message is stored cut to 4 KiB of UTF-8 (contract section 7), up to 4096 characters:
-- more than the 1024 characters the column held.
alter table task alter column progress_message type text;
