-- A change of the calendar (a holiday added or removed) moves the deadlines
-- of open periods not yet past and not extended by hand: the history
-- records it as its own kind of event, rescheduled (old and new deadline,
-- the reason), so that it is not mistaken for an inspector's extension.

-- +goose Up
ALTER TABLE obligation_events
    DROP CONSTRAINT obligation_events_kind_check,
    DROP CONSTRAINT obligation_events_check,
    ADD CONSTRAINT obligation_events_kind_check CHECK (kind IN ('opened', 'uploaded', 'returned', 'accepted',
        'exempted', 'unexempted', 'extended', 'rescheduled', 'flagged_missing')),
    ADD CONSTRAINT obligation_events_check CHECK ((kind IN ('opened', 'extended', 'rescheduled', 'flagged_missing')) = (deadline IS NOT NULL));

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION obligation_history_at(p bigint, u text, t timestamptz)
RETURNS TABLE (present boolean, exempt boolean, decision text, first_at timestamptz, deadline timestamptz, reason text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(bool_or(kind = 'opened'), false),
           coalesce((array_agg(kind = 'exempted' ORDER BY id DESC) FILTER (WHERE kind IN ('exempted', 'unexempted')))[1], false),
           coalesce((array_agg(CASE WHEN kind = 'uploaded' THEN '' ELSE kind END ORDER BY id DESC)
                     FILTER (WHERE kind IN ('uploaded', 'returned', 'accepted')))[1], ''),
           min(at) FILTER (WHERE kind = 'uploaded'),
           (array_agg(deadline ORDER BY id DESC) FILTER (WHERE kind IN ('opened', 'extended', 'rescheduled')))[1],
           coalesce(CASE
               WHEN (array_agg(kind = 'exempted' ORDER BY id DESC) FILTER (WHERE kind IN ('exempted', 'unexempted')))[1]
               THEN (array_agg(reason ORDER BY id DESC) FILTER (WHERE kind = 'exempted'))[1]
               WHEN (array_agg(kind ORDER BY id DESC) FILTER (WHERE kind IN ('uploaded', 'returned', 'accepted')))[1] = 'returned'
               THEN (array_agg(reason ORDER BY id DESC) FILTER (WHERE kind = 'returned'))[1]
           END, '')
    FROM obligation_events
    WHERE period_id = p AND unit_code = u AND at <= t
$$;
-- +goose StatementEnd

-- +goose Down
SELECT 'the rescheduled event cannot be undone: restore a backup taken before migration 00010';
