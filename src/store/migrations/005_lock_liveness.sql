-- A pid alone does not identify a lock's holder (pids are reused, a reboot starts over): record the holder's
-- process start time (/proc/<pid>/stat field 22) and the machine's boot id with the lock, where Linux has them.
alter table locks add column start_time text;
alter table locks add column boot_id text;
