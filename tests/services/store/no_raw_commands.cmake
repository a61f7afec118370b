# Fails when a Redis command is spelled out in a folder that must go through services/store
# (issue 16: every Function call and key read has one builder and one parser there).
# Usage: cmake -DROOT=<source dir> -DDIRS="gateway;tools" -P no_raw_commands.cmake
# A string literal naming a command ("FCALL", "HGET", ...) is a command built by hand. Allowed:
# the HTTP method "GET" of the route table (gateway/server/routes.cpp), and tools/benchclient,
# a load generator whose EVAL fakes the Functions' publications over its own raw socket (it
# measures the gateway's fan-out and is no client of the store).
set(commands
    FCALL FUNCTION EVAL EVALSHA SCRIPT CONFIG MULTI EXEC WATCH UNWATCH
    HGET HGETALL HMGET HSET HSETNX HDEL HLEN HEXISTS HSCAN HINCRBY
    XADD XRANGE XREVRANGE XLEN XINFO XSETID XTRIM
    SADD SREM SMEMBERS SMISMEMBER SISMEMBER SCARD
    ZADD ZRANGE ZREM
    GET SET INCR DEL UNLINK RENAME TYPE EXISTS EXPIRE SCAN SORT PUBLISH SUBSCRIBE)
list(JOIN commands "|" alternatives)
set(found "")
foreach(dir IN LISTS DIRS)
  file(GLOB_RECURSE sources "${ROOT}/${dir}/*.cpp" "${ROOT}/${dir}/*.h")
  foreach(source IN LISTS sources)
    if(source MATCHES "/gateway/server/routes\\.cpp$" OR source MATCHES "/tools/benchclient/")
      continue()
    endif()
    file(STRINGS "${source}" lines REGEX "\"(${alternatives})\"")
    foreach(line IN LISTS lines)
      string(APPEND found "${source}: ${line}\n")
    endforeach()
  endforeach()
endforeach()
if(found)
  message(FATAL_ERROR "Redis commands built outside services/store:\n${found}")
endif()
