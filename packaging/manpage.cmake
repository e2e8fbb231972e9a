# Writes gls-local(1) from `gls-local --help`: the usage line as the synopsis,
# the flags as they are printed. Run with -DGLS_BINARY, -DGLS_MANPAGE, -DGLS_VERSION.
execute_process(COMMAND ${GLS_BINARY} --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${GLS_BINARY} --help failed (${status})")
endif()
# roff: a backslash is an escape, and a line starting with . or ' a request.
string(REPLACE "\\" "\\e" help "${help}")
string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
string(TIMESTAMP year "%Y" UTC)
file(WRITE ${GLS_MANPAGE} ".TH GLS-LOCAL 1 \"${year}\" \"gls-local ${GLS_VERSION}\" \"User Commands\"
.SH NAME
gls-local \\- a local emulator of the Amazon GameLift Streams API
.SH SYNOPSIS
.B gls-local
[\\fIflags\\fR]
.SH DESCRIPTION
gls-local serves the Amazon GameLift Streams API on a local port (default
http://127.0.0.1:8766), keeps its state in SQLite and plays the stream-session
lifecycle on a clock you control. The built-in fixtures are also installed as
/usr/share/gls-local/fixtures/default.json.
.SH OPTIONS
.nf
${help}.fi
")
