# Fails when a Redis command is spelled out in a folder that must go through services/store
# (issue 16: every Function call and key read has one builder and one parser there).
# Usage: cmake -DROOT=<source dir> -DDIRS="gateway;tools/export" -P no_raw_commands.cmake
# A string literal naming a command ("FCALL", "HGET", ...) is a command built by hand; the HTTP
# method "GET" of the route table (gateway/server/routes.cpp) is the one allowed spelling.
set(commands FCALL HGET HGETALL HMGET HSET HSETNX XRANGE XREVRANGE XLEN SORT EXISTS SMEMBERS
             SMISMEMBER SISMEMBER SCAN GET)
list(JOIN commands "|" alternatives)
set(found "")
foreach(dir IN LISTS DIRS)
  file(GLOB_RECURSE sources "${ROOT}/${dir}/*.cpp" "${ROOT}/${dir}/*.h")
  foreach(source IN LISTS sources)
    if(source MATCHES "/routes\\.cpp$")
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
