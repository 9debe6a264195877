#!/usr/bin/env bash
# Regenerates the Studio screenshots that README.md and docs/studio.md show
# (SyntheticsFunctions/Studio/studio-1280x800.png and studio-375x812.png): runs the browser test
# that takes them (a real local host, Debian's Chromium through Playwright, the page clock held
# at 09:00:00) and copies them beside the page. Installs Chromium and the PostgreSQL binaries
# when missing, as scripts/test.sh does.
#   scripts/screenshots.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

dotnet build "$root/SyntheticsFunctions.Tests/SyntheticsFunctions.Tests.csproj" -c Release -nologo -v quiet -p:TreatWarningsAsErrors=true
dotnet test "$root/SyntheticsFunctions.Tests/SyntheticsFunctions.Tests.csproj" -c Release --no-build -nologo \
  --filter "FullyQualifiedName~StudioTests.At_375_pixels_nothing_scrolls_sideways"
shots="$root/SyntheticsFunctions.Tests/bin/Release/net10.0/studio-screenshots"
for name in studio-1280x800.png studio-375x812.png; do
  cp "$shots/$name" "$root/SyntheticsFunctions/Studio/$name"
  echo "SyntheticsFunctions/Studio/$name"
done
