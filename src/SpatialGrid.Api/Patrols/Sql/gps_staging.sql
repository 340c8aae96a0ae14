-- The staging table of one position write: per connection, emptied at every commit.
CREATE TEMP TABLE IF NOT EXISTS gps_in (
    district_code text NOT NULL,
    worker_id text NOT NULL,
    t timestamptz NOT NULL,
    lon double precision NOT NULL,
    lat double precision NOT NULL,
    accuracy real,
    speed real,
    heading real,
    battery real,
    flags smallint NOT NULL,
    gateway_id text,
    received_at timestamptz NOT NULL
) ON COMMIT DELETE ROWS;
