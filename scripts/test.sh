#!/usr/bin/env bash
# The one command that runs every test of LicenceOps (what CI runs):
#   - installs RabbitMQ when it is missing (root on Debian/Ubuntu), otherwise says what to install;
#   - installs python3-aiosmtpd (the loopback SMTP server of the mail tests) the same way;
#   - installs dovecot-imapd (the loopback IMAP server of the IMAP polling tests) the same way;
#   - starts a private RabbitMQ node (scripts/rabbitmq.sh) and always stops it on exit;
#   - builds LicenceOps.sln (Release), then runs every test project with `dotnet test` (the browser tests last, alone),
#     results on the console and as TRX;
#   - prints `N passed, N failed, N skipped` (from the TRX counters), then the failed tests, and exits non-zero when the
#     build or any test run failed.
# Extra arguments go to dotnet test, e.g. scripts/test.sh --filter "FullyQualifiedName~Messaging".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

say() { printf '==> %s\n' "$*"; }
die() { printf 'test.sh: error: %s\n' "$*" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild worker processes left behind holding the CI job's output open.
export MSBUILDDISABLENODEREUSE=1

command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not on PATH"

is_debian_like() { [[ -f /etc/debian_version ]] && command -v apt-get >/dev/null; }

install_rabbitmq() {
    if [[ $(id -u) -ne 0 ]] || ! is_debian_like; then
        die "RabbitMQ is not installed. Install the Debian/Ubuntu package as root (apt-get install -y rabbitmq-server) or run this script as root on Debian/Ubuntu, which installs it."
    fi
    say "installing rabbitmq-server (apt-get)"
    # Only the binaries are wanted: keep the package's own system broker from being started.
    local policy=/usr/sbin/policy-rc.d added_policy=no
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added_policy=yes
    fi
    local rc=0
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends rabbitmq-server || rc=$?
    if [[ $added_policy == yes ]]; then rm -f "$policy"; fi
    ((rc == 0)) || die "apt-get could not install rabbitmq-server (exit $rc)"
}

[[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || install_rabbitmq

# The mail tests run a real SMTP server on loopback: Debian's python3-aiosmtpd under /usr/bin/python3
# (tests/LicenceOps.IntegrationTests/Mail/SmtpSink.cs starts it on a free port for each fixture).
install_aiosmtpd() {
    if [[ $(id -u) -ne 0 ]] || ! is_debian_like; then
        die "python3-aiosmtpd is not installed. Install it as root (apt-get install -y python3-aiosmtpd) or run this script as root on Debian/Ubuntu, which installs it."
    fi
    say "installing python3-aiosmtpd (apt-get)"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-aiosmtpd \
        || die "apt-get could not install python3-aiosmtpd"
}

/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || install_aiosmtpd

# The IMAP polling tests run a private Dovecot (own config, base directory and loopback port, started per fixture by
# tests/LicenceOps.IntegrationTests/Support/DovecotServer.cs); only the Debian package is needed, not its service.
install_dovecot() {
    if [[ $(id -u) -ne 0 ]] || ! is_debian_like; then
        die "dovecot-imapd is not installed. Install it as root (apt-get install -y dovecot-imapd) or run this script as root on Debian/Ubuntu, which installs it."
    fi
    say "installing dovecot-imapd (apt-get)"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dovecot-imapd \
        || die "apt-get could not install dovecot-imapd"
}

[[ -x /usr/sbin/dovecot ]] || install_dovecot

# The browser tests drive Debian's Chromium; Playwright is never allowed to download a browser of its own.
install_chromium() {
    if [[ $(id -u) -ne 0 ]] || ! is_debian_like; then
        die "Chromium is not installed. Install the Debian/Ubuntu package as root (apt-get install -y chromium) or run this script as root on Debian/Ubuntu, which installs it."
    fi
    say "installing chromium (apt-get)"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium \
        || die "apt-get could not install chromium"
}

[[ -x /usr/bin/chromium ]] || install_chromium

# The Factur-X tests run the official EN 16931 schematrons (XSLT 2.0, which .NET lacks) with Debian's Saxon-HE.
install_saxon() {
    if [[ $(id -u) -ne 0 ]] || ! is_debian_like; then
        die "Saxon-HE or Java is not installed. Install the Debian/Ubuntu packages as root (apt-get install -y libsaxonhe-java default-jre-headless) or run this script as root on Debian/Ubuntu, which installs them."
    fi
    say "installing libsaxonhe-java and default-jre-headless (apt-get)"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libsaxonhe-java default-jre-headless \
        || die "apt-get could not install libsaxonhe-java default-jre-headless"
}

[[ -f /usr/share/java/Saxon-HE.jar ]] && command -v java >/dev/null || install_saxon

# The usage-report PDF tests render each page to PNG in artifacts/reports with poppler's pdftoppm.
install_poppler() {
    if [[ $(id -u) -ne 0 ]] || ! is_debian_like; then
        die "pdftoppm is not installed. Install the Debian/Ubuntu package as root (apt-get install -y poppler-utils) or run this script as root on Debian/Ubuntu, which installs it."
    fi
    say "installing poppler-utils (apt-get)"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends poppler-utils \
        || die "apt-get could not install poppler-utils"
}

command -v pdftoppm >/dev/null || install_poppler

RESULTS_DIR="$ROOT/artifacts/test-results"
rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

LICENCEOPS_RABBITMQ_DIR=
stop_broker() {
    if [[ -n "$LICENCEOPS_RABBITMQ_DIR" ]]; then
        "$ROOT/scripts/rabbitmq.sh" stop "$LICENCEOPS_RABBITMQ_DIR" || true
        LICENCEOPS_RABBITMQ_DIR=
    fi
}
trap stop_broker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "starting a private RabbitMQ node"
broker_env=$("$ROOT/scripts/rabbitmq.sh" start) || die "the private RabbitMQ node did not start (see messages above)"
eval "$broker_env"
# Read by the RabbitMQ integration tests (tests/LicenceOps.IntegrationTests/Infrastructure/TestRabbitMq.cs).
export LICENCEOPS_TEST_RABBITMQ
say "LICENCEOPS_TEST_RABBITMQ=$LICENCEOPS_TEST_RABBITMQ"

# One build, then the test projects one after the other. The browser tests come last, alone: they drive a real Chromium
# against a real host with timeouts of their own, and a 2-core machine also running the integration tests' hosts and
# brokers made them time out waiting for pages that take a second when the machine is not saturated.
test_rc=0
run_tests() {
    local project=$1
    shift
    say "dotnet test $project -c Release --no-build"
    dotnet test "$project" -c Release --no-build \
        --logger "console;verbosity=normal" \
        --logger trx \
        --results-directory "$RESULTS_DIR" \
        "$@" </dev/null || test_rc=$?
}

say "dotnet build LicenceOps.sln -c Release"
if dotnet build LicenceOps.sln -c Release </dev/null; then
    for project in tests/*/*.csproj; do
        [[ $project == *BrowserTests* ]] || run_tests "$project" "$@"
    done
    for project in tests/*/*.csproj; do
        [[ $project != *BrowserTests* ]] || run_tests "$project" "$@"
    done
else
    test_rc=$?
fi

stop_broker

# Sum one counter over every TRX file (one per test project).
counter() {
    local name=$1 total=0 file value
    for file in "$RESULTS_DIR"/*.trx; do
        [[ -f $file ]] || continue
        value=$(grep -o '<Counters [^>]*' "$file" | grep -o " $name=\"[0-9]*\"" | grep -o '[0-9]\+' || true)
        total=$((total + ${value:-0}))
    done
    echo "$total"
}

trx_count=$(find "$RESULTS_DIR" -maxdepth 1 -name '*.trx' | wc -l)
passed=$(counter passed)
failed=$(($(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted)))
# Ignored tests appear in `total` but not in `executed` (the notExecuted counter stays 0).
skipped=$(($(counter total) - $(counter executed) + $(counter inconclusive)))

echo
say "test results: $RESULTS_DIR ($trx_count TRX file(s)); exit code $test_rc"
if ((test_rc != 0 && failed == 0)); then
    say "the build or dotnet test failed with no failing test counted: a build error or a crashed test host (see above)"
fi
# The failures again, last, with the start of their messages: a CI log is often read from its end only.
if ((failed > 0)); then
    say "failed tests"
    /usr/bin/python3 - "$RESULTS_DIR" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if result.get("outcome") in ("Passed", "NotExecuted", "Inconclusive"):
            continue
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", "", ns).strip()
        stack = result.findtext("t:Output/t:ErrorInfo/t:StackTrace", "", ns).strip().splitlines()
        print(f"FAILED {result.get('testName')} ({result.get('outcome')}, {result.get('duration')})")
        print("  " + message[:1500].replace("\n", "\n  "))
        for line in stack[:6]:
            print("  " + line.strip())
PY
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$test_rc"
