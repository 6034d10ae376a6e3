-- Latency sketches (lib/analytics/sketch.ts) are arrays of bucket counts; two sketches merge by
-- element-wise sum, the shorter one read as zeros past its end (trailing empty buckets are not stored).
CREATE FUNCTION sketch_add(a integer[], b integer[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i), '{}')
  FROM generate_series(1, greatest(cardinality(a), cardinality(b))) AS i
$$;
--> statement-breakpoint
-- sum() for sketches: merges a group's rows into one sketch ('{}' for none).
CREATE AGGREGATE sketch_sum(integer[]) (
  SFUNC = sketch_add,
  STYPE = integer[],
  INITCOND = '{}',
  PARALLEL = SAFE
);
