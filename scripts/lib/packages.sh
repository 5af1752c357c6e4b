# Installs the Debian packages a script needs, saying what and why before each install.
# Sourced (by scripts/test.sh and packaging/test-image.sh):
#   need WHO "why" "check" pkg...   records the packages when the check (a shell command) fails
#   install_needed WHO              installs every recorded group: one line per group, then apt's
#                                   output into target/install.log. As root it runs apt-get itself,
#                                   else through 'sudo -n' when that needs no password; otherwise it
#                                   prints one line with the packages to install by hand and exits 1.
# Nothing else on the machine is changed: no configuration file, no service started or stopped
# (Debian's own package scripts may start a service they install, e.g. redis-server).

NEED_WHY=()
NEED_PKGS=()

need() {
  local why=$2 check=$3
  shift 3
  if ! (eval "$check") >/dev/null 2>&1; then
    NEED_WHY+=("$why")
    NEED_PKGS+=("$*")
  fi
}

# The versioned PostgreSQL server package of this release (postgresql-15 on Debian 12).
pg_server_package() {
  local p
  p=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/^ *Depends: \(postgresql-[0-9][0-9]*\)$/\1/p' | head -1)
  echo "${p:-postgresql-15}"
}

# Packages with the PostgreSQL placeholder resolved.
resolve_pkgs() {
  local p out=()
  for p in $1; do
    if [ "$p" = POSTGRESQL_SERVER ]; then out+=("$(pg_server_package)"); else out+=("$p"); fi
  done
  echo "${out[*]}"
}

install_needed() {
  local who=$1 all='' i log t0
  [ "${#NEED_PKGS[@]}" = 0 ] && return 0
  for i in "${!NEED_PKGS[@]}"; do all="$all $(resolve_pkgs "${NEED_PKGS[$i]}")"; done
  all=${all# }
  local as=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      as=(sudo -n)
    else
      local why="no sudo"
      command -v sudo >/dev/null && why="sudo would ask a password"
      echo "$who: missing packages, which only root can install ($why): run 'apt-get install $all' as root, then this again" >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null; then
    echo "$who: missing packages and no apt-get here; install the equivalents of: $all" >&2
    exit 1
  fi
  mkdir -p target
  log=$PWD/target/install.log
  : >"$log"
  echo "$who: updating apt's package lists, to install: $all (apt's output: target/install.log)"
  t0=$SECONDS
  "${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$log" 2>&1 \
    || { echo "$who: apt-get update failed: $(tail -3 "$log" | tr '\n' ' ')" >&2; exit 1; }
  all=''   # again, now that apt knows this release's PostgreSQL version
  for i in "${!NEED_PKGS[@]}"; do all="$all $(resolve_pkgs "${NEED_PKGS[$i]}")"; done
  # every group says what it is for, then one apt-get for all (one dependency resolution, one
  # round of triggers: installing group by group took minutes more on a fresh machine)
  for i in "${!NEED_PKGS[@]}"; do
    echo "$who: installing $(resolve_pkgs "${NEED_PKGS[$i]}"): ${NEED_WHY[$i]}"
  done
  "${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $all >>"$log" 2>&1 \
    || { echo "$who: apt-get install $all failed: $(tail -3 "$log" | tr '\n' ' ')" >&2; exit 1; }
  echo "$who: installed in $((SECONDS - t0)) s"
  NEED_WHY=()
  NEED_PKGS=()
}

# Checks shared by the scripts.
has_javac17() { command -v javac && [ "$(javac -version 2>&1 | sed -E 's/^javac ([0-9]+).*/\1/')" -ge 17 ] && command -v jlink && command -v jpackage; }
has_pg_server() {
  local d
  d=$(pg_config --bindir 2>/dev/null) && [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && return 0
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && return 0; done
  command -v initdb && command -v postgres
}
has_lib() { ldconfig -p | grep -q "$1"; }
