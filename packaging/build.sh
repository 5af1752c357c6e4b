#!/usr/bin/env bash
# Builds Cutover's distributions from target/ (after 'mvn package'):
#   target/packaging/image/cutover/        jpackage application image: bin/cutover (console with no
#                                          command, else the command line) + a jlinked Java runtime
#                                          with JavaFX as named modules; nothing else needed to run it
#   target/packaging/cutover-VERSION.tar.gz   the plain distribution for people with Java 17+:
#                                          bin/cutover, cutover.jar, lib/ (run: java -jar cutover.jar)
#   target/packaging/cutover_VERSION-1_amd64.deb   the image as a Debian package (/opt/cutover,
#                                          /usr/bin/cutover, a menu entry with the icon)
# Options: --skip-maven  reuse target/cutover.jar and target/lib as they are (scripts/test.sh)
#          --image-only  stop after the application image and the tarball (the .deb's compression
#                        takes minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."

skip_maven=0
image_only=0
for a in "$@"; do
  case "$a" in
    --skip-maven) skip_maven=1 ;;
    --image-only) image_only=1 ;;
    *) echo "packaging: unknown option $a (use --skip-maven, --image-only)" >&2; exit 2 ;;
  esac
done

say() { echo "packaging: $*" >&2; }
die() { echo "packaging: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jpackage="$java_home/bin/jpackage"
[ -x "$jpackage" ] || jpackage="$(command -v jpackage || true)"
[ -n "$jpackage" ] && [ -x "$jpackage" ] || die "jpackage not found: install a full JDK 17+ (apt install openjdk-17-jdk) or set JAVA_HOME"
command -v unzip >/dev/null || { say "installing unzip"; as_root apt-get install -y -qq unzip >/dev/null || die "unzip is needed"; }

if [ "$skip_maven" = 0 ]; then
  say "building the jar (mvn -q -B -DskipTests package)"
  mvn -q -B -DskipTests package
fi
[ -f target/cutover.jar ] && [ -d target/lib ] || die "target/cutover.jar and target/lib are missing: run 'mvn -DskipTests package' first"
version="$(cd target/lib && ls cutover-cli-*.jar 2>/dev/null | sed -n 's/^cutover-cli-\(.*\)\.jar$/\1/p' | head -1)"
[ -n "$version" ] || die "no target/lib/cutover-cli-<version>.jar to take the version from"

out=target/packaging
rm -rf "$out"
mkdir -p "$out/input/lib" "$out/fx" "$out/image"

# JavaFX goes into the runtime as named modules: the platform jars (javafx-*-linux.jar) are modular
# jars carrying the native libraries. The classifier-less javafx-*.jar are empty placeholders.
# Everything else stays on the class path, as in the source checkout.
for jar in target/lib/*.jar; do
  name="$(basename "$jar")"
  case "$name" in
    javafx-*)
      if unzip -l "$jar" module-info.class >/dev/null 2>&1; then cp "$jar" "$out/fx/"; fi ;;
    *) cp "$jar" "$out/input/lib/" ;;
  esac
done
cp target/cutover.jar "$out/input/"
module_of() { "$java_home/bin/jar" --describe-module --file "$1" | head -1 | sed 's/@.*//'; }
fx_modules="$(for j in "$out"/fx/*.jar; do module_of "$j"; done | sort -u | paste -sd, -)"
[ -n "$fx_modules" ] || die "no JavaFX platform jars (javafx-*-linux.jar) in target/lib"

# The JDK modules the application and its libraries use (found with jdeps over target/lib), plus
# TLS elliptic curves (rediss://, sslmode=verify-full), character sets and locale data.
jdk_modules=java.base,java.datatransfer,java.desktop,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.charsets,jdk.crypto.ec,jdk.jfr,jdk.localedata,jdk.net,jdk.unsupported,jdk.unsupported.desktop

# Libraries on the class path that use JavaFX internals (ControlsFX: com.sun.javafx.*) need those
# packages exported to the unnamed module now that JavaFX is a named module: find them in the
# class files and export each one that exists in a JavaFX module.
java_options=()
declare -A owner
for j in "$out"/fx/*.jar; do
  mod="$(module_of "$j")"
  while read -r pkg; do owner[$pkg]="$mod"; done < <(unzip -Z1 "$j" 'com/sun/javafx/*' 2>/dev/null | sed -n 's#/[^/]*\.class$##p' | sort -u | tr / .)
done
while read -r pkg; do
  [ -n "${owner[$pkg]:-}" ] && java_options+=("--add-exports=${owner[$pkg]}/$pkg=ALL-UNNAMED")
done < <(for j in "$out"/input/cutover.jar "$out"/input/lib/*.jar; do unzip -p "$j" '*.class' 2>/dev/null | grep -aoE 'com/sun/javafx(/[A-Za-z0-9_]+)+/[A-Z][A-Za-z0-9_$]*' || true; done \
          | sed 's#/[^/]*$##' | tr / . | sort -u)
# ... and ControlsFX reads a few skin fields by reflection.
java_options+=("--add-opens=javafx.controls/javafx.scene.control.skin=ALL-UNNAMED" "--add-opens=javafx.graphics/javafx.scene=ALL-UNNAMED")
say "JavaFX modules: $fx_modules; ${#java_options[@]} access options for class-path libraries"

jp_java_options=()
for o in "${java_options[@]}"; do jp_java_options+=(--java-options "$o"); done

# --generate-cds-archive gives the runtime the JDK's own class data sharing archive (lib/server/classes.jsa),
# which a plain JDK has and a jlinked runtime lacks: every start of the image maps the JDK classes
# instead of loading them one by one. jlink runs the new runtime's bin/java to make it, so the native
# commands stay in the runtime (a few hundred kB).
say "building the application image (jpackage + jlink)"
"$jpackage" --type app-image --dest "$out/image" \
  --name cutover --app-version "$version" --vendor "Cutover" \
  --description "Zero-downtime PostgreSQL schema migration: console and command line" \
  --icon packaging/resources/cutover.png \
  --input "$out/input" --main-jar cutover.jar --main-class dev.cutover.Main \
  --module-path "$out/fx" --add-modules "$jdk_modules,$fx_modules" \
  --jlink-options "--strip-debug --no-header-files --no-man-pages --generate-cds-archive" \
  "${jp_java_options[@]}"
image="$out/image/cutover"
say "image: $image ($(du -sh "$image" | cut -f1))"

# The plain distribution: the same jars and the same launcher as the source checkout.
dist="$out/cutover-$version"
mkdir -p "$dist/bin" "$dist/lib"
cp bin/cutover "$dist/bin/"
cp target/cutover.jar "$dist/"
cp target/lib/*.jar "$dist/lib/"
cp packaging/resources/cutover.png "$dist/"
tar -C "$out" -czf "$out/cutover-$version.tar.gz" "cutover-$version"
rm -rf "$dist"
say "plain distribution: $out/cutover-$version.tar.gz"

if [ "$image_only" = 1 ]; then exit 0; fi

if ! command -v dpkg-deb >/dev/null || ! command -v fakeroot >/dev/null; then
  say "installing dpkg-dev and fakeroot for the .deb"
  as_root apt-get install -y -qq dpkg-dev fakeroot >/dev/null || die "the .deb needs dpkg-deb and fakeroot (apt install dpkg-dev fakeroot)"
fi
# What the console needs at run time that a minimal or server install lacks: JavaFX 21's window
# system library (libglassgtk3.so) links to libgtk-3.so.0 and libXtst.so.6, and libgtk-3-0 does not
# depend on libxtst6; text needs a font that fontconfig finds. (libgl1 is optional: without it
# JavaFX draws in software.) The command line needs none of them.
deb_depends="libgtk-3-0, libxtst6, fonts-dejavu-core"
say "building the .deb (compressing takes a few minutes)"
"$jpackage" --type deb --dest "$out" --app-image "$image" \
  --name cutover --app-version "$version" --vendor "Cutover" \
  --description "Zero-downtime PostgreSQL schema migration: console and command line" \
  --resource-dir packaging/resources/deb \
  --linux-package-name cutover --linux-deb-maintainer "cutover@localhost" \
  --linux-menu-group "Development;Database;" --linux-app-category database \
  --linux-package-deps "$deb_depends" --linux-shortcut
say "package: $(ls "$out"/cutover_*.deb)"
