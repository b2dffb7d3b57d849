#!/bin/sh
# A Java runtime for the Spark engine (PySpark 4 needs Java 17 or newer). Installs Debian's
# openjdk-17-jre-headless when no suitable `java` is on the PATH; needs root (or sudo) then.
set -eu
version() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
if command -v java >/dev/null 2>&1 && [ "$(version)" -ge 17 ] 2>/dev/null; then
  exit 0
fi
echo "ensure-java: installing openjdk-17-jre-headless (Debian) for Spark" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
java -version
