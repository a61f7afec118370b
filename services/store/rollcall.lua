#!lua name=rollcall
-- rollcall's state changes, one Redis Function per operation: each runs atomically, so
-- de-duplication, the counting rules, the event log and the change notice never disagree.
-- Every key is derived from KEYS[1] = "{EVENT}" (the event's hash tag), so one event lives in
-- one cluster slot. Key layout: services/store/keys.h. Counter names: services/totals.

local function key(tag, suffix) return tag .. ':' .. suffix end

-- Counter updates of one call, published together with the new values.
local function counter_batch(tag)
  return { tag = tag, key = key(tag, 'counters'), changed = {} }
end

local function bump(batch, field, by)
  batch.changed[field] = redis.call('HINCRBY', batch.key, field, by)
end

-- Raise the sequence, publish {"seq":N,"set":{...}}; returns N.
local function publish(batch)
  local seq = redis.call('INCR', key(batch.tag, 'seq'))
  local body = cjson.encode({ seq = seq, set = batch.changed })
  redis.call('PUBLISH', key(batch.tag, 'changes'), body)
  return seq
end

local function listed(list, item)
  if list == false or list == nil or list == '' then return true end
  return string.find(list, ',' .. item .. ',', 1, true) ~= nil
end

-- The badge leaves its zone: counters follow, state is cleared.
local function leave_zone(batch, tag, badge_id, state_key, zone)
  bump(batch, 'inside', -1)
  bump(batch, 'inside:zone:' .. zone, -1)
  redis.call('HDEL', state_key, 'zone', 'inside_day', 'since')
  redis.call('SREM', key(tag, 'inside'), badge_id)
end

-- FCALL rollcall_scan 1 {EVENT} scan_id badge_id desk_id zone direction device_ms server_ms
--                                day minute late
-- direction: "in" | "out"; day: the event day (YYYY-MM-DD, event time zone), minute:
-- YYYY-MM-DDTHH:MM of the scan in event time; late: "1" when the desk replayed it late.
-- Returns {status, replay, badge_id, zone, day, server_ms, late, since_ms,
--          country, category, name, organization, seq}
local function scan(keys, args)
  local tag = keys[1]
  local scan_id, badge_id, desk_id, zone, direction = args[1], args[2], args[3], args[4], args[5]
  local device_ms, server_ms, day, minute, late = args[6], args[7], args[8], args[9], args[10]

  local badge_key = key(tag, 'badge:' .. badge_id)
  local function answer(stored, replay, seq)
    local b = redis.call('HMGET', key(tag, 'badge:' .. stored.b), 'country', 'category', 'name',
                         'organization')
    return { stored.s, replay, stored.b, stored.z, stored.d, stored.t, stored.l, stored.since,
             b[1] or '', b[2] or '', b[3] or '', b[4] or '', seq }
  end

  local ids_key = key(tag, 'scan_ids')
  local previous = redis.call('HGET', ids_key, scan_id)
  if previous then
    return answer(cjson.decode(previous), 1, 0)
  end

  local event = redis.call('HMGET', key(tag, 'event'), 'days', 'zones')
  local batch = counter_batch(tag)
  local status, zone_now, since = nil, '', ''

  local badge = redis.call('HMGET', badge_key, 'country', 'category', 'revoked')
  local country, category, revoked = badge[1], badge[2], badge[3]
  if not listed(event[1], day) then
    status = 'wrong_day'
  elseif not listed(event[2], zone) then
    status = 'not_allowed'
  elseif not category then
    status = 'unknown_badge'
  elseif revoked == '1' then
    status = 'revoked'
  end

  if not status then
    local state_key = key(tag, 'state:' .. badge_id)
    local state = redis.call('HMGET', state_key, 'zone', 'inside_day', 'since', 'last_day')
    local inside_zone, inside_day, inside_since, last_day = state[1], state[2], state[3], state[4]
    -- An entry from an earlier day that never saw its exit: the end-of-day reset missed this
    -- badge, so correct it now rather than leave it inside for ever.
    if inside_zone and inside_day ~= day then
      leave_zone(batch, tag, badge_id, state_key, inside_zone)
      inside_zone = nil
    end

    if direction == 'in' then
      if inside_zone == zone then
        status, zone_now, since = 'already_inside', zone, inside_since
      else
        if inside_zone then
          -- Moving between zones: occupancy follows, the person is still inside.
          bump(batch, 'inside:zone:' .. inside_zone, -1)
          bump(batch, 'inside:zone:' .. zone, 1)
          status = 'reentry'
        else
          bump(batch, 'inside', 1)
          bump(batch, 'inside:zone:' .. zone, 1)
          redis.call('SADD', key(tag, 'inside'), badge_id)
          if last_day == day then
            status = 'reentry'
          else
            status = 'accepted'
            if redis.call('SADD', key(tag, 'onsite'), badge_id) == 1 then
              bump(batch, 'onsite', 1)
              bump(batch, 'onsite:country:' .. country, 1)
              bump(batch, 'onsite:category:' .. category, 1)
            end
            bump(batch, 'day:' .. day .. ':onsite', 1)
            bump(batch, 'day:' .. day .. ':country:' .. country, 1)
            bump(batch, 'day:' .. day .. ':category:' .. category, 1)
            bump(batch, 'arrivals:' .. minute, 1)
            redis.call('HSET', state_key, 'last_day', day)
          end
        end
        zone_now, since = zone, server_ms
        redis.call('HSET', state_key, 'zone', zone, 'inside_day', day, 'since', since)
      end
    else
      if inside_zone then
        leave_zone(batch, tag, badge_id, state_key, inside_zone)
        status = 'exit'
      else
        status = 'not_inside'
      end
    end
  end

  bump(batch, 'scans:' .. status, 1)
  local stored = { s = status, b = badge_id, z = zone_now, d = day, t = server_ms, l = late,
                   since = since }
  redis.call('HSET', ids_key, scan_id, cjson.encode(stored))
  redis.call('XADD', key(tag, 'log'), '*', 'type', 'scan', 'scan_id', scan_id,
             'badge_id', badge_id, 'desk_id', desk_id, 'zone', zone, 'direction', direction,
             'status', status, 'day', day, 'device_ms', device_ms, 'server_ms', server_ms,
             'late', late)
  local seq = publish(batch)
  return answer(stored, 0, seq)
end

-- FCALL rollcall_totals 1 {EVENT} -> {seq, {field, value, field, value, ...}}
-- seq and counters read in one step, so a subscriber can drop notices it already has.
local function totals(keys, args)
  local tag = keys[1]
  local seq = tonumber(redis.call('GET', key(tag, 'seq')) or '0')
  return { seq, redis.call('HGETALL', key(tag, 'counters')) }
end

-- FCALL rollcall_reset_inside 1 {EVENT} day -> number of badges moved outside
-- The end-of-day reset: exits are often missed, so nobody who entered before `day` stays
-- inside. Safe to call at any time and from every gateway: it only ever counts out entries
-- of earlier days, and does the work once per day.
local function reset_inside(keys, args)
  local tag, day = keys[1], args[1]
  local event_key = key(tag, 'event')
  if redis.call('HGET', event_key, 'reset_day') == day then return 0 end
  local inside_key = key(tag, 'inside')
  local batch = counter_batch(tag)
  local moved = 0
  for _, badge_id in ipairs(redis.call('SMEMBERS', inside_key)) do
    local state_key = key(tag, 'state:' .. badge_id)
    local state = redis.call('HMGET', state_key, 'zone', 'inside_day')
    if not state[1] then
      redis.call('SREM', inside_key, badge_id)
    elseif state[2] < day then
      leave_zone(batch, tag, badge_id, state_key, state[1])
      moved = moved + 1
    end
  end
  redis.call('HSET', event_key, 'reset_day', day)
  if moved > 0 then
    redis.call('XADD', key(tag, 'log'), '*', 'type', 'reset_inside', 'day', day,
               'count', tostring(moved))
    publish(batch)
  end
  return moved
end

redis.register_function('rollcall_scan', scan)
redis.register_function{ function_name = 'rollcall_totals', callback = totals,
                         flags = { 'no-writes' } }
redis.register_function('rollcall_reset_inside', reset_inside)
