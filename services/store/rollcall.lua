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

-- The person a badge belongs to: its `person` field, else the badge itself. Every per-person key
-- (state, inside, onsite, remote_badges) uses it, so a replacement badge goes on counting as
-- the same person.
local function person_of(badge_id, person)
  if person == false or person == nil or person == '' then return badge_id end
  return person
end

-- The badge leaves its zone: counters follow, state is cleared.
local function leave_zone(batch, tag, person, state_key, zone)
  bump(batch, 'inside', -1)
  bump(batch, 'inside:zone:' .. zone, -1)
  redis.call('HDEL', state_key, 'zone', 'inside_day', 'since')
  redis.call('SREM', key(tag, 'inside'), person)
end

-- The badge's first entry on `day` counts the day (and, the first time ever, the event).
-- Days are remembered per person, so scans may arrive in any order across days.
local function count_first_entry(batch, tag, person, state_key, country, category, day, minute)
  if redis.call('HSETNX', state_key, 'day:' .. day, 1) == 0 then return false end
  if redis.call('SADD', key(tag, 'onsite'), person) == 1 then
    bump(batch, 'onsite', 1)
    bump(batch, 'onsite:country:' .. country, 1)
    bump(batch, 'onsite:category:' .. category, 1)
    if redis.call('SISMEMBER', key(tag, 'remote_badges'), person) == 1 then
      bump(batch, 'hybrid', 1)
    end
  end
  bump(batch, 'day:' .. day .. ':onsite', 1)
  bump(batch, 'day:' .. day .. ':country:' .. country, 1)
  bump(batch, 'day:' .. day .. ':category:' .. category, 1)
  bump(batch, 'arrivals:' .. minute, 1)
  return true
end

-- Statuses that refuse the badge (as opposed to warnings such as already_inside).
local rejections = { unknown_badge = true, revoked = true, invalid_signature = true,
                     wrong_day = true, not_allowed = true }
-- Statuses a desk lets the person through on (services/checkin/offline_verdict.cpp's rule).
local lets_through = { accepted = true, reentry = true, already_inside = true, exit = true,
                       not_inside = true }

-- Reasons for a check-in by hand (ManualReason names); anything else is not one.
local manual_reasons = { badge_forgotten = true, badge_unreadable = true, other = true }

-- Desks an event tracks (desk:ID:... counters) unless the caller says otherwise.
local default_max_desks = 500

-- Whether the desk's counters are kept: 'tracked' for desks already tracked and for new ones
-- while the event tracks fewer than max_desks; 'full' beyond that; 'forgotten' for a desk an
-- organizer removed (rollcall_forget_desk). Either way the scan itself counts.
local function track_desk(tag, desk_id, max_desks)
  local desks_key = key(tag, 'desks')
  if redis.call('SISMEMBER', desks_key, desk_id) == 1 then return 'tracked' end
  if redis.call('SISMEMBER', key(tag, 'forgotten_desks'), desk_id) == 1 then return 'forgotten' end
  if redis.call('SCARD', desks_key) >= max_desks then return 'full' end
  redis.call('SADD', desks_key, desk_id)
  return 'tracked'
end

-- FCALL rollcall_scan 1 {EVENT} scan_id badge_id desk_id zone direction device_ms server_ms
--                                day minute late [max_desks [device_time_ignored
--                                [offline_verdict [manual note]]]]
-- direction: "in" | "out"; day: the event day (YYYY-MM-DD, event time zone), minute:
-- YYYY-MM-DDTHH:MM of the scan in event time; late: "1" when the desk replayed it late;
-- max_desks: how many desks the event tracks (default 500). desk_id is the desk of the token
-- that sent the scan (the gateway's word, never the frame's). device_time_ignored: "1" when the
-- desk's clock was not believed (device_ms is then the server's time). offline_verdict:
-- "admitted" or "refused" when the desk decided alone before sending (empty otherwise); a
-- verdict this scan's status overturns is counted (offline:OUTCOME, desk:ID:overturned).
-- manual: a check-in by hand (services/checkin/manual_checkin.h): the ManualReason's name
-- (badge_forgotten, badge_unreadable, other), empty for a scanned badge; note: the desk's words.
-- A manual check-in that is not refused counts manual:REASON and desk:ID:manual besides
-- everything a scan counts; its log entry has manual=REASON and note=... either way.
-- Returns {status, replay, badge_id, zone, day, server_ms, late, since_ms,
--          country, category, name, organization, seq, desk, device_time_ignored,
--          revoked_reason, replaced_by, person}
-- with desk: tracked|full|forgotten; person: the badge's person id, empty when the badge's own.
local function scan(keys, args)
  local tag = keys[1]
  local scan_id, badge_id, desk_id, zone, direction = args[1], args[2], args[3], args[4], args[5]
  local device_ms, server_ms, day, minute, late = args[6], args[7], args[8], args[9], args[10]
  local max_desks = tonumber(args[11] or '') or default_max_desks
  local clock_ignored = args[12] == '1' and '1' or '0'
  local offline = args[13]
  if offline ~= 'admitted' and offline ~= 'refused' then offline = nil end
  local manual, note = manual_reasons[args[14] or ''] and args[14] or nil, args[15] or ''

  local badge_key = key(tag, 'badge:' .. badge_id)
  local function answer(stored, replay, seq, desk)
    local b = redis.call('HMGET', key(tag, 'badge:' .. stored.b), 'country', 'category', 'name',
                         'organization', 'revoked_reason', 'replaced_by', 'person')
    return { stored.s, replay, stored.b, stored.z, stored.d, stored.t, stored.l, stored.since,
             b[1] or '', b[2] or '', b[3] or '', b[4] or '', seq, desk, stored.c or '0',
             b[5] or '', b[6] or '', (b[7] and b[7] ~= stored.b) and b[7] or '' }
  end

  local ids_key = key(tag, 'scan_ids')
  local previous = redis.call('HGET', ids_key, scan_id)
  if previous then
    return answer(cjson.decode(previous), 1, 0, 'tracked')
  end

  local event = redis.call('HMGET', key(tag, 'event'), 'days', 'zones')
  local batch = counter_batch(tag)
  local status, zone_now, since = nil, '', ''

  local badge = redis.call('HMGET', badge_key, 'country', 'category', 'revoked', 'person')
  local country, category, revoked = badge[1], badge[2], badge[3]
  -- From here on per-person state is the person's (the badge id unless it was replaced).
  local person = person_of(badge_id, badge[4])
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
    local state_key = key(tag, 'state:' .. person)
    local state = redis.call('HMGET', state_key, 'zone', 'inside_day', 'since', 'state_day')
    local inside_zone, inside_day, inside_since, state_day = state[1], state[2], state[3], state[4]
    if state_day and day < state_day then
      -- A desk replaying its offline queue late, after this badge was already scanned on a
      -- later day: the scan still counts for its own day, but it is history, so the person's
      -- present state (inside or not, where) is left as the newer scans made it.
      if direction == 'in' then
        status = count_first_entry(batch, tag, person, state_key, country, category, day,
                                   minute) and 'accepted' or 'reentry'
      else
        status = 'exit'
      end
      zone_now = inside_zone or ''
    else
      if state_day ~= day then redis.call('HSET', state_key, 'state_day', day) end
      -- An entry from an earlier day that never saw its exit: the end-of-day reset missed
      -- this badge, so correct it now rather than leave it inside for ever.
      if inside_zone and inside_day ~= day then
        leave_zone(batch, tag, person, state_key, inside_zone)
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
            redis.call('SADD', key(tag, 'inside'), person)
            status = count_first_entry(batch, tag, person, state_key, country, category, day,
                                       minute) and 'accepted' or 'reentry'
          end
          zone_now, since = zone, server_ms
          redis.call('HSET', state_key, 'zone', zone, 'inside_day', day, 'since', since)
        end
      else
        if inside_zone then
          leave_zone(batch, tag, person, state_key, inside_zone)
          status = 'exit'
        else
          status = 'not_inside'
        end
      end
    end
  end

  bump(batch, 'scans:' .. status, 1)
  if manual and not rejections[status] then bump(batch, 'manual:' .. manual, 1) end
  local desk = track_desk(tag, desk_id, max_desks)
  -- The desk's own verdict against the gateway's: ADMIT (or EXIT) shown for a refused scan, or
  -- DO NOT ADMIT for a valid one.
  if offline and (offline == 'admitted') ~= (lets_through[status] == true) then
    bump(batch, 'offline:' .. (offline == 'admitted' and 'admitted_refused' or 'refused_admitted'), 1)
    if desk == 'tracked' then bump(batch, 'desk:' .. desk_id .. ':overturned', 1) end
  end
  if desk == 'tracked' then
    bump(batch, 'desk:' .. desk_id .. ':scans', 1)
    if rejections[status] then bump(batch, 'desk:' .. desk_id .. ':rejected', 1) end
    if late == '1' then bump(batch, 'desk:' .. desk_id .. ':late', 1) end
    if manual and not rejections[status] then bump(batch, 'desk:' .. desk_id .. ':manual', 1) end
    redis.call('HSET', batch.key, 'desk:' .. desk_id .. ':last_seen', server_ms)
    batch.changed['desk:' .. desk_id .. ':last_seen'] = tonumber(server_ms)
  end
  local stored = { s = status, b = badge_id, z = zone_now, d = day, t = server_ms, l = late,
                   since = since, c = clock_ignored }
  redis.call('HSET', ids_key, scan_id, cjson.encode(stored))
  local entry = { 'type', 'scan', 'scan_id', scan_id, 'badge_id', badge_id, 'desk_id', desk_id,
                  'zone', zone, 'direction', direction, 'status', status, 'day', day,
                  'device_ms', device_ms, 'server_ms', server_ms, 'late', late,
                  'device_time_ignored', clock_ignored }
  if person ~= badge_id then
    entry[#entry + 1] = 'person'
    entry[#entry + 1] = person
  end
  if offline then
    entry[#entry + 1] = 'offline_verdict'
    entry[#entry + 1] = offline
  end
  if manual then
    entry[#entry + 1] = 'manual'
    entry[#entry + 1] = manual
    entry[#entry + 1] = 'note'
    entry[#entry + 1] = note
  end
  -- The audit recount must know which scans left their desk untracked, and why.
  if desk ~= 'tracked' then
    entry[#entry + 1] = 'desk_untracked'
    entry[#entry + 1] = desk
  end
  redis.call('XADD', key(tag, 'log'), '*', unpack(entry))
  local seq = publish(batch)
  return answer(stored, 0, seq, desk)
end

local desk_fields = { 'scans', 'rejected', 'late', 'last_seen', 'overturned', 'manual' }

-- FCALL rollcall_forget_desk 1 {EVENT} desk_id server_ms -> counters removed
-- Removes a desk from the totals (its token was revoked, or it never was a real desk): its
-- counters go, it gives up its place among the tracked desks and is not tracked again (gateways
-- may accept a revoked token for a few more seconds; a new token for the desk id brings it back),
-- the log says so and displays are told to drop it ({"seq":N,"set":{},"unset":[...]}). Its
-- scans stay counted and logged.
local function forget_desk(keys, args)
  local tag, desk_id, server_ms = keys[1], args[1], args[2]
  local fields = {}
  for _, field in ipairs(desk_fields) do fields[#fields + 1] = 'desk:' .. desk_id .. ':' .. field end
  local removed = redis.call('HDEL', key(tag, 'counters'), unpack(fields))
  local untracked = redis.call('SREM', key(tag, 'desks'), desk_id)
  local newly = redis.call('SADD', key(tag, 'forgotten_desks'), desk_id)
  if removed == 0 and untracked == 0 and newly == 0 then return 0 end
  redis.call('XADD', key(tag, 'log'), '*', 'type', 'desk_forgotten', 'desk_id', desk_id,
             'server_ms', server_ms)
  local seq = redis.call('INCR', key(tag, 'seq'))
  redis.call('PUBLISH', key(tag, 'changes'), cjson.encode({ seq = seq, set = {}, unset = fields }))
  return removed
end

-- FCALL rollcall_totals 1 {EVENT} -> {seq, {field, value, field, value, ...}}
-- seq and counters read in one step, so a subscriber can drop notices it already has.
local function totals(keys, args)
  local tag = keys[1]
  local seq = tonumber(redis.call('GET', key(tag, 'seq')) or '0')
  return { seq, redis.call('HGETALL', key(tag, 'counters')) }
end

-- FCALL rollcall_registry 1 {EVENT} field... -> badge id, its fields (nil when missing), ...
-- Every listed badge with the record fields asked: the rows of SORT {E}:badges BY nosort GET #
-- GET {E}:badge:*->field..., which Redis Cluster refuses (GET patterns), so the same read
-- works on one server and on a cluster.
local function registry(keys, args)
  local tag = keys[1]
  local rows = {}
  for _, id in ipairs(redis.call('SMEMBERS', key(tag, 'badges'))) do
    rows[#rows + 1] = id
    local fields = redis.call('HMGET', key(tag, 'badge:' .. id), unpack(args))
    for i = 1, #args do rows[#rows + 1] = fields[i] end
  end
  return rows
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
  for _, person in ipairs(redis.call('SMEMBERS', inside_key)) do
    local state_key = key(tag, 'state:' .. person)
    local state = redis.call('HMGET', state_key, 'zone', 'inside_day')
    if not state[1] then
      redis.call('SREM', inside_key, person)
    elseif state[2] < day then
      leave_zone(batch, tag, person, state_key, state[1])
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


-- ---------------------------------------------------------------------------------------------
-- Online participation. Every open connection of a remote participant is held by a holder: a
-- gateway's beacons ("gw:ID"), a platform bridge ("bridge:ID") or a webhook source ("zoom").
-- Holders with a lease (gateways and bridges) must renew it; when one lapses (its gateway was
-- killed, its bridge vanished) its connections are folded away, so nobody stays online as a
-- ghost. A participant is online while at least one of their connections is open.

-- The participant's connection count drops by `n`; when it reaches zero they go offline.
local function drop_connections(batch, tag, participant_key, n)
  local conns = redis.call('HINCRBY', participant_key, 'conns', -n)
  if conns <= 0 then
    if conns < 0 then redis.call('HSET', participant_key, 'conns', 0) end
    local country = redis.call('HGET', participant_key, 'country') or ''
    bump(batch, 'online', -1)
    bump(batch, 'online:country:' .. country, -1)
    return true
  end
  return false
end

-- Every presence outcome is logged (with how many connections it opened or closed), so an
-- audit can rebuild each counter from the log alone.
local function log_presence(tag, kind, item, status, participant, day, server_ms, via, count)
  redis.call('XADD', key(tag, 'log'), '*', 'type', kind, 'presence_id', item.presence_id,
             'participant_id', item.participant_id, 'badge_id', participant.badge_id or '',
             'country', participant.country or '', 'category', participant.category or '',
             'platform', item.platform or '', 'session', item.session or '', 'status', status,
             'day', day, 'time_ms', item.time_ms or server_ms, 'server_ms', server_ms, 'via', via,
             'count', tostring(count or 1))
end

local function join(batch, tag, holder, item, day, minute, server_ms, via)
  local participant_key = key(tag, 'participant:' .. item.participant_id)
  local known = redis.call('HMGET', participant_key, 'country', 'category', 'badge_id')
  local participant = { country = known[1], category = known[2], badge_id = known[3] }
  if not participant.category then
    -- First sight: the registry, when the person is registered, is the better source.
    participant = { country = item.country, category = item.category, badge_id = item.badge_id }
    if item.badge_id ~= '' then
      local badge = redis.call('HMGET', key(tag, 'badge:' .. item.badge_id), 'country', 'category')
      if badge[2] then participant.country, participant.category = badge[1], badge[2] end
    end
    redis.call('HSET', participant_key, 'country', participant.country, 'category',
               participant.category, 'badge_id', participant.badge_id)
  end

  redis.call('HINCRBY', key(tag, 'held:' .. holder), item.participant_id, 1)
  local conns = redis.call('HINCRBY', participant_key, 'conns', 1)
  local status = 'rejoined'
  if redis.call('SADD', key(tag, 'remote'), item.participant_id) == 1 then
    status = 'joined'
    bump(batch, 'remote', 1)
    bump(batch, 'remote:country:' .. participant.country, 1)
    bump(batch, 'remote:category:' .. participant.category, 1)
    if participant.badge_id ~= '' then
      -- Hybrid is per person: a replaced badge's holder is one person with either badge.
      local person = person_of(participant.badge_id,
                               redis.call('HGET', key(tag, 'badge:' .. participant.badge_id),
                                          'person'))
      if redis.call('SADD', key(tag, 'remote_badges'), person) == 1 and
          redis.call('SISMEMBER', key(tag, 'onsite'), person) == 1 then
        bump(batch, 'hybrid', 1)
      end
    end
  end
  if redis.call('HSETNX', participant_key, 'day:' .. day, 1) == 1 then
    bump(batch, 'day:' .. day .. ':remote', 1)
    bump(batch, 'day:' .. day .. ':remote_country:' .. participant.country, 1)
    bump(batch, 'day:' .. day .. ':remote_category:' .. participant.category, 1)
  end
  if conns == 1 then
    local online = redis.call('HINCRBY', batch.key, 'online', 1)
    batch.changed['online'] = online
    bump(batch, 'online:country:' .. participant.country, 1)
    local peak = tonumber(redis.call('HGET', batch.key, 'peak_online') or '0')
    if online > peak then
      redis.call('HSET', batch.key, 'peak_online', online, 'peak_online_at', server_ms)
      batch.changed['peak_online'] = online
      batch.changed['peak_online_at'] = tonumber(server_ms)
    end
    local day_peak_field = 'day:' .. day .. ':peak_online'
    if online > tonumber(redis.call('HGET', batch.key, day_peak_field) or '0') then
      redis.call('HSET', batch.key, day_peak_field, online)
      batch.changed[day_peak_field] = online
    end
  end
  bump(batch, 'joins:' .. minute, 1)
  log_presence(tag, 'join', item, status, participant, day, server_ms, via)
  return status
end

local function leave(batch, tag, holder, item, day, server_ms, via)
  local held_key = key(tag, 'held:' .. holder)
  local held = tonumber(redis.call('HGET', held_key, item.participant_id) or '0')
  if held <= 0 then
    log_presence(tag, 'leave', item, 'already_left', {}, day, server_ms, via, 0)
    return 'already_left'
  end
  if held == 1 then
    redis.call('HDEL', held_key, item.participant_id)
  else
    redis.call('HINCRBY', held_key, item.participant_id, -1)
  end
  local participant_key = key(tag, 'participant:' .. item.participant_id)
  drop_connections(batch, tag, participant_key, 1)
  local known = redis.call('HMGET', participant_key, 'country', 'category', 'badge_id')
  log_presence(tag, 'leave', item, 'left',
               { country = known[1] or '', category = known[2] or '', badge_id = known[3] or '' },
               day, server_ms, via)
  return 'left'
end

local item_fields = { 'presence_id', 'kind', 'participant_id', 'badge_id', 'country', 'category',
                      'platform', 'session', 'time_ms' }

-- FCALL rollcall_presence 1 {EVENT} holder lease_until_ms server_ms day minute via resync
--       [presence_id kind participant_id badge_id country category platform session time_ms]...
-- kind: "join" | "leave". lease_until_ms: 0 for holders without a lease (webhooks).
-- resync "1": the items are everyone the holder still has connected; whoever it held before
-- and is not listed has left. Returns {status, replay} per item, then the seq.
local function presence(keys, args)
  local tag = keys[1]
  local holder, lease_until, server_ms, day, minute, via, resync =
      args[1], tonumber(args[2]), args[3], args[4], args[5], args[6], args[7] == '1'
  -- GT: a late call carrying an older lease never shortens the holder's current one.
  if lease_until > 0 then redis.call('ZADD', key(tag, 'leases'), 'GT', lease_until, holder) end
  local ids_key = key(tag, 'presence_ids')
  local batch = counter_batch(tag)
  local out = {}

  local listed = {}
  local items = {}
  local nfields = #item_fields
  for i = 8, #args, nfields do
    local item = {}
    for f = 1, nfields do item[item_fields[f]] = args[i + f - 1] end
    items[#items + 1] = item
    if resync then listed[item.participant_id] = (listed[item.participant_id] or 0) + 1 end
  end

  if resync then
    -- Connections the holder no longer reports are closed; those it still reports and already
    -- holds are kept as they are (no double count).
    local held_key = key(tag, 'held:' .. holder)
    local held = redis.call('HGETALL', held_key)
    for i = 1, #held, 2 do
      local participant_id, count = held[i], tonumber(held[i + 1])
      local keep = math.min(listed[participant_id] or 0, count)
      for _ = keep + 1, count do
        leave(batch, tag, holder, { presence_id = 'resync', participant_id = participant_id,
                                    platform = '', session = '', time_ms = server_ms },
              day, server_ms, via)
      end
      listed[participant_id] = (listed[participant_id] or 0) - keep
    end
  end

  for _, item in ipairs(items) do
    -- A resync states the present; it may reuse the ids of the original joins.
    local previous = not resync and redis.call('HGET', ids_key, item.presence_id)
    local status
    if previous then
      out[#out + 1] = previous
      out[#out + 1] = 1
    else
      if item.kind == 'join' then
        if resync and (listed[item.participant_id] or 0) <= 0 then
          status = 'rejoined'  -- already held: still connected, nothing to count
          log_presence(tag, 'join', item, status, {}, day, server_ms, via, 0)
        else
          if resync then listed[item.participant_id] = listed[item.participant_id] - 1 end
          status = join(batch, tag, holder, item, day, minute, server_ms, via)
        end
      else
        status = leave(batch, tag, holder, item, day, server_ms, via)
      end
      bump(batch, 'presence:' .. status, 1)
      redis.call('HSET', ids_key, item.presence_id, status)
      out[#out + 1] = status
      out[#out + 1] = 0
    end
  end
  out[#out + 1] = publish(batch)
  return out
end

-- FCALL rollcall_renew_leases 1 {EVENT} lease_until_ms holder...
local function renew_leases(keys, args)
  local leases_key = key(keys[1], 'leases')
  for i = 2, #args do redis.call('ZADD', leases_key, args[1], args[i]) end
  return #args - 1
end

-- FCALL rollcall_expire_leases 1 {EVENT} now_ms day -> connections folded away
-- Also used by a gateway that shuts down cleanly for its own holders (with now_ms = +inf).
local function expire_leases(keys, args)
  local tag, now, day = keys[1], args[1], args[2]
  local leases_key = key(tag, 'leases')
  local expired = redis.call('ZRANGEBYSCORE', leases_key, '-inf', now)
  if #expired == 0 then return 0 end
  local batch = counter_batch(tag)
  local folded = 0
  for _, holder in ipairs(expired) do
    local held_key = key(tag, 'held:' .. holder)
    local held = redis.call('HGETALL', held_key)
    for i = 1, #held, 2 do
      local participant_id, count = held[i], tonumber(held[i + 1])
      local participant_key = key(tag, 'participant:' .. participant_id)
      drop_connections(batch, tag, participant_key, count)
      local known = redis.call('HMGET', participant_key, 'country', 'category', 'badge_id')
      log_presence(tag, 'leave', { presence_id = 'lease:' .. holder, participant_id = participant_id,
                                   platform = '', session = '', time_ms = now },
                   'left', { country = known[1] or '', category = known[2] or '',
                             badge_id = known[3] or '' }, day, now, 'lease', count)
      folded = folded + count
    end
    redis.call('DEL', held_key)
    redis.call('ZREM', leases_key, holder)
  end
  publish(batch)
  return folded
end

-- ---------------------------------------------------------------------------------------------
-- The registry at the desk: walk-ins and lost-badge replacements. Each is one atomic step,
-- idempotent by its request_id (a success is remembered; a refusal created nothing, so a retry
-- simply asks again), raises registry_version (gateways rebuild their attendee index) and is
-- logged with the token that did it.

-- Both answer {status, replay, badge_id, country, category, name, organization, person,
--              registered_by, replaced, first_day, last_day, detail, seq}
-- status: issued | badge_exists | unknown_badge | already_replaced; detail: the successor of an
-- already replaced badge (empty when it was revoked for another reason).
local function registry_answer(status, fields, replay, seq)
  fields = fields or {}
  return { status, replay or 0, fields.badge_id or '', fields.country or '', fields.category or '',
           fields.name or '', fields.organization or '', fields.person or '',
           fields.registered_by or '', fields.replaced or '', fields.first_day or '',
           fields.last_day or '', fields.detail or '', seq or 0 }
end

local function registry_replay(tag, kind, request_id)
  local previous = redis.call('HGET', key(tag, 'registry_requests'), kind .. ':' .. request_id)
  if not previous then return nil end
  return registry_answer('issued', cjson.decode(previous), 1, 0)
end

local function registry_done(tag, kind, request_id, fields, batch, entry)
  redis.call('HSET', key(tag, 'registry_requests'), kind .. ':' .. request_id, cjson.encode(fields))
  redis.call('INCR', key(tag, 'registry_version'))
  redis.call('XADD', key(tag, 'log'), '*', unpack(entry))
  return registry_answer('issued', fields, 0, publish(batch))
end

-- FCALL rollcall_register_badge 1 {EVENT} request_id badge_id country category name organization
--       first_day last_day who server_ms
-- A walk-in, already validated by the gateway (services/registry/walk_in.h) and given an id when
-- the desk left it empty. who: the id of the token that registered it.
local function register_badge(keys, args)
  local tag = keys[1]
  local request_id, badge_id = args[1], args[2]
  local replay = registry_replay(tag, 'walk_in', request_id)
  if replay then return replay end
  local badge_key = key(tag, 'badge:' .. badge_id)
  if redis.call('EXISTS', badge_key) == 1 or
      redis.call('SISMEMBER', key(tag, 'badges'), badge_id) == 1 then
    return registry_answer('badge_exists', { badge_id = badge_id })
  end
  local b = { badge_id = badge_id, country = args[3], category = args[4], name = args[5],
              organization = args[6], first_day = args[7], last_day = args[8],
              registered_by = args[9] }
  local who, server_ms = args[9], args[10]
  redis.call('HSET', badge_key, 'country', b.country, 'category', b.category, 'name', b.name,
             'organization', b.organization, 'revoked', '0', 'registered_by', who,
             'registered_ms', server_ms)
  if b.first_day ~= '' then redis.call('HSET', badge_key, 'first_day', b.first_day) end
  if b.last_day ~= '' then redis.call('HSET', badge_key, 'last_day', b.last_day) end
  redis.call('SADD', key(tag, 'badges'), badge_id)
  local batch = counter_batch(tag)
  bump(batch, 'walk_ins', 1)
  return registry_done(tag, 'walk_in', request_id, b, batch,
                       { 'type', 'badge_registered', 'request_id', request_id, 'badge_id', badge_id,
                         'country', b.country, 'category', b.category, 'by', who,
                         'server_ms', server_ms })
end

-- FCALL rollcall_replace_badge 1 {EVENT} request_id old_badge_id new_badge_id reason who server_ms
-- Revokes the old badge as "replaced" and issues the new one for the same person (its person,
-- country, category, name, organization, validity and registrar copied): the person's state,
-- presence and counters stay where they are, so nobody is counted twice, even while inside.
local function replace_badge(keys, args)
  local tag = keys[1]
  local request_id, old_id, new_id, reason, who, server_ms =
      args[1], args[2], args[3], args[4], args[5], args[6]
  local replay = registry_replay(tag, 'replace', request_id)
  if replay then return replay end
  local old_key = key(tag, 'badge:' .. old_id)
  local old = redis.call('HMGET', old_key, 'country', 'category', 'name', 'organization', 'revoked',
                         'replaced_by', 'person', 'registered_by', 'first_day', 'last_day')
  if not old[2] then return registry_answer('unknown_badge', { badge_id = old_id }) end
  if old[5] == '1' then
    return registry_answer('already_replaced', { badge_id = old_id, detail = old[6] or '' })
  end
  local new_key = key(tag, 'badge:' .. new_id)
  if redis.call('EXISTS', new_key) == 1 or
      redis.call('SISMEMBER', key(tag, 'badges'), new_id) == 1 then
    return registry_answer('badge_exists', { badge_id = new_id })
  end
  local b = { badge_id = new_id, country = old[1] or '', category = old[2], name = old[3] or '',
              organization = old[4] or '', person = person_of(old_id, old[7]),
              registered_by = old[8] or '', replaced = old_id, first_day = old[9] or '',
              last_day = old[10] or '' }
  redis.call('HSET', new_key, 'country', b.country, 'category', b.category, 'name', b.name,
             'organization', b.organization, 'revoked', '0', 'person', b.person, 'replaces', old_id,
             'issued_by', who, 'issued_ms', server_ms)
  if b.registered_by ~= '' then redis.call('HSET', new_key, 'registered_by', b.registered_by) end
  if b.first_day ~= '' then redis.call('HSET', new_key, 'first_day', b.first_day) end
  if b.last_day ~= '' then redis.call('HSET', new_key, 'last_day', b.last_day) end
  -- The old badge keeps its person explicitly, so either badge resolves to the same one.
  redis.call('HSET', old_key, 'revoked', '1', 'revoked_reason', 'replaced', 'replaced_by', new_id,
             'replacement_reason', reason, 'person', b.person)
  redis.call('SADD', key(tag, 'badges'), new_id)
  local batch = counter_batch(tag)
  bump(batch, 'badges_replaced', 1)
  return registry_done(tag, 'replace', request_id, b, batch,
                       { 'type', 'badge_replaced', 'request_id', request_id, 'badge_id', old_id,
                         'new_badge_id', new_id, 'person', b.person, 'reason', reason, 'by', who,
                         'server_ms', server_ms })
end

redis.register_function('rollcall_scan', scan)
redis.register_function('rollcall_register_badge', register_badge)
redis.register_function('rollcall_replace_badge', replace_badge)
redis.register_function{ function_name = 'rollcall_totals', callback = totals,
                         flags = { 'no-writes' } }
redis.register_function{ function_name = 'rollcall_registry', callback = registry,
                         flags = { 'no-writes' } }
redis.register_function('rollcall_reset_inside', reset_inside)
redis.register_function('rollcall_forget_desk', forget_desk)
redis.register_function('rollcall_presence', presence)
redis.register_function('rollcall_renew_leases', renew_leases)
redis.register_function('rollcall_expire_leases', expire_leases)

-- ---------------------------------------------------------------------------------------------
-- Venues (docs/venues.md): the figures of co-located events with each person counted once.
-- KEYS[1] = "{@VENUE}"; every key below lives in the venue's slot. The gateways feed the member
-- events' log entries here in log order (gateway/venue_folder.cpp); a per-event cursor makes each
-- entry count once however many gateways fold the same range, or retry it.
--   {@V}:cursor            hash event -> last folded stream id of that event's log
--   {@V}:onsite, :remote   sets of venue persons ever on site, ever online
--   {@V}:person:VP         hash per venue person: the dimensions already counted (day:D, cat:C,
--                          day:D:cat:C, rcat:C, rday:D, rday:D:cat:C), live (their participants
--                          with a connection open), online_country
--   {@V}:inside_at         hash VP -> at how many member events the person is inside now
--   {@V}:at:E:inside       hash event person -> "inside_day VP" (the event's inside, mirrored)
--   {@V}:at:E:state_day    hash event person -> the event's state_day, mirrored (late scans)
--   {@V}:participant       hash "E/participant_id" -> VP, fixed at the participant's first join
--   {@V}:conns             hash "E/participant_id" -> open connections (the event's, mirrored)
-- A venue person VP is the event person P when {@V}:persons has P (linked across events; its
-- country is the one stored there), else "E/P".

local venue_item_fields = { 'id', 'type', 'person', 'participant', 'country', 'category', 'day',
                            'status', 'direction', 'count', 'server_ms' }
-- Statuses of an entry scan that leave the person inside (and on site that day).
local venue_entering = { accepted = true, reentry = true, already_inside = true }

local function stream_id_parts(id)
  local ms, seq = string.match(id or '', '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end

-- Whether stream id a comes after b (both "ms-seq").
local function stream_id_after(a, b)
  local am, as = stream_id_parts(a)
  local bm, bs = stream_id_parts(b)
  if am ~= bm then return am > bm end
  return as > bs
end

local function venue_person(v, person)
  if redis.call('HEXISTS', key(v.tag, 'persons'), person) == 1 then return person end
  return v.event .. '/' .. person
end

-- A linked person's country is the venue's; anyone else's is their event's.
local function venue_country(v, vp, fallback)
  return redis.call('HGET', key(v.tag, 'persons'), vp) or fallback or ''
end

-- True the first time the person gets `field` (a dimension counted once per person).
local function venue_once(v, vp, field)
  return redis.call('HSETNX', key(v.tag, 'person:' .. vp), field, 1) == 1
end

local function venue_onsite(v, vp, country, category, day)
  local b = v.batch
  if redis.call('SADD', key(v.tag, 'onsite'), vp) == 1 then
    bump(b, 'onsite', 1)
    bump(b, 'onsite:country:' .. country, 1)
    if redis.call('SISMEMBER', key(v.tag, 'remote'), vp) == 1 then bump(b, 'hybrid', 1) end
  end
  if venue_once(v, vp, 'cat:' .. category) then bump(b, 'onsite:category:' .. category, 1) end
  if venue_once(v, vp, 'day:' .. day) then
    bump(b, 'day:' .. day .. ':onsite', 1)
    bump(b, 'day:' .. day .. ':country:' .. country, 1)
  end
  if venue_once(v, vp, 'day:' .. day .. ':cat:' .. category) then
    bump(b, 'day:' .. day .. ':category:' .. category, 1)
  end
end

-- Inside at one more (or one fewer) member event; the venue counts the person while at any.
local function venue_enter(v, vp)
  if redis.call('HINCRBY', key(v.tag, 'inside_at'), vp, 1) == 1 then bump(v.batch, 'inside', 1) end
end

local function venue_exit(v, vp)
  local at = redis.call('HINCRBY', key(v.tag, 'inside_at'), vp, -1)
  if at <= 0 then
    redis.call('HDEL', key(v.tag, 'inside_at'), vp)
    bump(v.batch, 'inside', -1)
  end
end

local function venue_inside_value(value)
  local day, vp = string.match(value, '^(%S+) (.*)$')
  return day, vp
end

-- A scan, mirroring rollcall_scan's state machine for the event person (who is inside at that
-- event), then counting the venue person.
local function venue_fold_scan(v, it)
  if rejections[it.status] then return end
  if it.direction ~= 'in' and it.direction ~= 'out' then return end
  local entering = it.direction == 'in' and venue_entering[it.status] == true
  local vp = venue_person(v, it.person)
  local country = venue_country(v, vp, it.country)
  local inside_key = key(v.tag, 'at:' .. v.event .. ':inside')
  local day_key = key(v.tag, 'at:' .. v.event .. ':state_day')
  local state_day = redis.call('HGET', day_key, it.person)
  if state_day and it.day < state_day then
    -- A late scan for an earlier day: its day counts, the present state stays (as in the event).
    if entering then venue_onsite(v, vp, country, it.category, it.day) end
    return
  end
  if state_day ~= it.day then redis.call('HSET', day_key, it.person, it.day) end
  local inside = redis.call('HGET', inside_key, it.person)
  if inside then
    local inside_day, inside_vp = venue_inside_value(inside)
    if inside_day ~= it.day or not entering then
      redis.call('HDEL', inside_key, it.person)
      venue_exit(v, inside_vp)
      inside = nil
    end
  end
  if entering then
    venue_onsite(v, vp, country, it.category, it.day)
    if not inside then
      redis.call('HSET', inside_key, it.person, it.day .. ' ' .. vp)
      venue_enter(v, vp)
    end
  end
end

-- The event's end-of-day reset: whoever is still inside there from before `day` is out.
local function venue_fold_reset(v, it)
  local inside_key = key(v.tag, 'at:' .. v.event .. ':inside')
  local inside = redis.call('HGETALL', inside_key)
  for i = 1, #inside, 2 do
    local inside_day, vp = venue_inside_value(inside[i + 1])
    if inside_day < it.day then
      redis.call('HDEL', inside_key, inside[i])
      venue_exit(v, vp)
    end
  end
end

local function venue_went_online(v, vp, country, day, server_ms)
  local b = v.batch
  local online = redis.call('HINCRBY', b.key, 'online', 1)
  b.changed['online'] = online
  bump(b, 'online:country:' .. country, 1)
  redis.call('HSET', key(v.tag, 'person:' .. vp), 'online_country', country)
  local peak = tonumber(redis.call('HGET', b.key, 'peak_online') or '0')
  if online > peak then
    redis.call('HSET', b.key, 'peak_online', online, 'peak_online_at', server_ms)
    b.changed['peak_online'] = online
    b.changed['peak_online_at'] = tonumber(server_ms)
  end
  local day_peak_field = 'day:' .. day .. ':peak_online'
  if online > tonumber(redis.call('HGET', b.key, day_peak_field) or '0') then
    redis.call('HSET', b.key, day_peak_field, online)
    b.changed[day_peak_field] = online
  end
end

-- Joins and leaves: `count` connections opened or closed (a lease expiry closes several).
local function venue_fold_presence(v, it)
  local n = tonumber(it.count) or 0
  if n <= 0 or it.participant == '' then return end
  local pid = v.event .. '/' .. it.participant
  local conns_key = key(v.tag, 'conns')
  local participants_key = key(v.tag, 'participant')
  local b = v.batch
  if it.type == 'join' then
    if it.status ~= 'joined' and it.status ~= 'rejoined' then return end
    local vp = redis.call('HGET', participants_key, pid)
    if not vp then
      vp = venue_person(v, it.person)
      redis.call('HSET', participants_key, pid, vp)
    end
    local country = venue_country(v, vp, it.country)
    if redis.call('SADD', key(v.tag, 'remote'), vp) == 1 then
      bump(b, 'remote', 1)
      bump(b, 'remote:country:' .. country, 1)
      if redis.call('SISMEMBER', key(v.tag, 'onsite'), vp) == 1 then bump(b, 'hybrid', 1) end
    end
    if venue_once(v, vp, 'rcat:' .. it.category) then
      bump(b, 'remote:category:' .. it.category, 1)
    end
    if venue_once(v, vp, 'rday:' .. it.day) then
      bump(b, 'day:' .. it.day .. ':remote', 1)
      bump(b, 'day:' .. it.day .. ':remote_country:' .. country, 1)
    end
    if venue_once(v, vp, 'rday:' .. it.day .. ':cat:' .. it.category) then
      bump(b, 'day:' .. it.day .. ':remote_category:' .. it.category, 1)
    end
    if redis.call('HINCRBY', conns_key, pid, n) == n and
        redis.call('HINCRBY', key(v.tag, 'person:' .. vp), 'live', 1) == 1 then
      venue_went_online(v, vp, country, it.day, it.server_ms)
    end
  elseif it.status == 'left' then
    local vp = redis.call('HGET', participants_key, pid)
    local before = tonumber(redis.call('HGET', conns_key, pid) or '0')
    if not vp or before <= 0 then return end
    if before > n then
      redis.call('HSET', conns_key, pid, before - n)
      return
    end
    -- As in the event, the count never goes below zero.
    redis.call('HDEL', conns_key, pid)
    local person_key = key(v.tag, 'person:' .. vp)
    if redis.call('HINCRBY', person_key, 'live', -1) <= 0 then
      redis.call('HDEL', person_key, 'live')
      bump(b, 'online', -1)
      bump(b, 'online:country:' .. (redis.call('HGET', person_key, 'online_country') or ''), -1)
    end
  end
end

-- FCALL rollcall_venue_fold 1 {@VENUE} event_id after_id [item...]
-- item: id type person participant country category day status direction count server_ms, the
-- member event's log entries after after_id, in order (services/venue/fold_items.h): type scan |
-- join | leave | reset_inside | other (any other entry: only moves the cursor). person: the
-- event person (scan: the entry's person, else the badge id; join/leave: the badge's person,
-- else the badge id, else "~participant_id"); participant: join/leave only.
-- Returns {status, folded, cursor, seq}: status ok | not_member (event not in the venue) |
-- gap (after_id is past the cursor: entries in between were not given) | malformed; folded: the
-- items applied (those at or before the cursor are skipped); seq: 0 when no counter changed.
local function venue_fold(keys, args)
  local tag, event_id, after = keys[1], args[1], args[2]
  local members = redis.call('HGET', key(tag, 'venue'), 'events')
  if not members or not string.find(members, ',' .. event_id .. ',', 1, true) then
    return { 'not_member', 0, '', 0 }
  end
  local nfields = #venue_item_fields
  local cursor = redis.call('HGET', key(tag, 'cursor'), event_id) or '0-0'
  if (#args - 2) % nfields ~= 0 or not stream_id_parts(after) then
    return { 'malformed', 0, cursor, 0 }
  end
  local items = {}
  for i = 3, #args, nfields do
    local item = {}
    for f = 1, nfields do item[venue_item_fields[f]] = args[i + f - 1] end
    if not stream_id_parts(item.id) then return { 'malformed', 0, cursor, 0 } end
    items[#items + 1] = item
  end
  if stream_id_after(after, cursor) then return { 'gap', 0, cursor, 0 } end

  local v = { tag = tag, event = event_id, batch = counter_batch(tag) }
  local last, folded = cursor, 0
  for _, it in ipairs(items) do
    if stream_id_after(it.id, last) then
      if it.type == 'scan' then
        venue_fold_scan(v, it)
      elseif it.type == 'join' or it.type == 'leave' then
        venue_fold_presence(v, it)
      elseif it.type == 'reset_inside' then
        venue_fold_reset(v, it)
      end
      last, folded = it.id, folded + 1
    end
  end
  if last ~= cursor then redis.call('HSET', key(tag, 'cursor'), event_id, last) end
  local seq = 0
  if next(v.batch.changed) ~= nil then seq = publish(v.batch) end
  return { 'ok', folded, last, seq }
end

redis.register_function('rollcall_venue_fold', venue_fold)
-- Personal data after the event (docs/privacy.md): the last step of a shred or an erasure.
-- rollcall-admin has rebuilt the log, rewritten, in {EVENT}:log_rewrite with the same entry ids
-- (a stream cannot be edited in place) up to after_id, and computed the commands that rewrite
-- the person's (or everyone's) records. In one atomic step: the entries appended since after_id
-- are copied as they are, unless one names someone being rewritten (then nothing changes and
-- the caller copies them rewritten and calls again); the commands run; the new log replaces
-- the old one (the same last id, so later entries follow on).
-- FCALL rollcall_privacy_swap 1 {EVENT} after_id n_ids id... n_texts text... [n word...]...
-- id: a badge, person or participant id that no entry after after_id may name ("*": no entry
-- may follow after_id at all);
-- text: lowercase words that must not appear in a note; each command: its word count, then
-- its words (DEL, HSET, HDEL, SADD, SREM, RENAME, INCR on keys of this event only).
-- Returns {"swapped", entries copied} or {"retry", the first id that names someone}.
-- The log fields that name a person (services/privacy/record_rewrite.cpp).
local privacy_id_fields = { badge_id = true, new_badge_id = true, person = true,
                            participant_id = true }
local privacy_commands = { DEL = 'all', HSET = 1, HDEL = 1, SADD = 1, SREM = 1, INCR = 1,
                           RENAME = 2 }

local function privacy_swap(keys, args)
  local tag = keys[1]
  local log, rewrite = key(tag, 'log'), key(tag, 'log_rewrite')
  local after = args[1]
  local at = 2
  local ids, any, texts = {}, false, {}
  local n = tonumber(args[at])
  for i = at + 1, at + n do
    if args[i] == '*' then any = true else ids[args[i]] = true end
  end
  at = at + n + 1
  n = tonumber(args[at])
  for i = at + 1, at + n do texts[#texts + 1] = args[i] end
  at = at + n + 1
  -- Every command is checked before anything is written: a function's writes are not undone.
  local commands = {}
  while at <= #args do
    local count = tonumber(args[at])
    local command = {}
    for j = 1, count do command[j] = args[at + j] end
    local kind = privacy_commands[command[1]]
    if not kind then return redis.error_reply('privacy_swap: command not allowed') end
    local last = kind == 'all' and #command or 1 + kind
    for j = 2, last do
      if string.sub(command[j], 1, #tag + 1) ~= tag .. ':' then
        return redis.error_reply('privacy_swap: key of another event')
      end
    end
    commands[#commands + 1] = command
    at = at + count + 1
  end
  local tail = redis.call('XRANGE', log, after == '' and '-' or '(' .. after, '+')
  for _, entry in ipairs(tail) do
    if any then return { 'retry', entry[1] } end
    local fields = entry[2]
    for j = 1, #fields, 2 do
      local value = fields[j + 1]
      if privacy_id_fields[fields[j]] and ids[value] then return { 'retry', entry[1] } end
      if fields[j] == 'note' and value ~= '' then
        local folded = string.lower(value)
        for _, text in ipairs(texts) do
          if string.find(folded, text, 1, true) then return { 'retry', entry[1] } end
        end
      end
    end
  end
  for _, entry in ipairs(tail) do redis.call('XADD', rewrite, entry[1], unpack(entry[2])) end
  for _, command in ipairs(commands) do redis.call(unpack(command)) end
  if redis.call('EXISTS', rewrite) == 1 then redis.call('RENAME', rewrite, log) end
  return { 'swapped', #tail }
end

redis.register_function('rollcall_privacy_swap', privacy_swap)
