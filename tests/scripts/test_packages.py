"""The package probes and installation of scripts/lib/common.sh, against a fake
apt (apt-cache, apt-get, dpkg-query on PATH) that, like a brand-new machine,
knows no package until `apt-get update` has run. Nothing is installed: the
fakes keep their state in a temporary folder and log every call."""

import os
import subprocess
import textwrap

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMMON = os.path.join(ROOT, "scripts", "lib", "common.sh")

# What a Debian 12 mirror has of what the scripts ask for (Ubuntu's Boost is 1.83).
DEBIAN_12 = ["g++", "make", "cmake", "pkg-config", "libpq-dev", "libgtest-dev",
             "libboost1.81-dev", "libboost-json1.81-dev", "libboost-url1.81-dev",
             "postgresql", "postgresql-client", "nginx", "python3", "curl"]
UBUNTU_24 = [p.replace("1.81", "1.83") for p in DEBIAN_12]

FAKE_APT_CACHE = r"""#!/bin/bash
# apt-cache show PKG: known once the lists are fetched, or when installed.
[ "$1" = show ] || { echo "fake apt-cache: unexpected $*" >&2; exit 2; }
if { [ -e "$FAKE_APT/lists-fetched" ] && grep -qxF "$2" "$FAKE_APT/mirror"; } ||
   grep -qxF "$2" "$FAKE_APT/installed"; then
  echo "Package: $2"
  exit 0
fi
echo "N: Unable to locate package $2" >&2
echo "E: No packages found" >&2
exit 100
"""

FAKE_APT_GET = r"""#!/bin/bash
# apt-get update | apt-get install [options] PKG...
case "$1" in
  update)
    echo update >>"$FAKE_APT/log"
    touch "$FAKE_APT/lists-fetched"
    ;;
  install)
    shift
    pkgs=()
    for a in "$@"; do
      case "$a" in -*) ;; *) pkgs+=("$a") ;; esac
    done
    policy=absent
    [ -x "$ECOM_POLICY_RC_D" ] && policy=present
    echo "install ${pkgs[*]} (policy-rc.d ${policy})" >>"$FAKE_APT/log"
    for p in "${pkgs[@]}"; do
      if [ ! -e "$FAKE_APT/lists-fetched" ] || ! grep -qxF "$p" "$FAKE_APT/mirror"; then
        echo "E: Unable to locate package $p" >&2
        exit 100
      fi
    done
    printf '%s\n' "${pkgs[@]}" >>"$FAKE_APT/installed"
    ;;
  *) echo "fake apt-get: unexpected $*" >&2; exit 2 ;;
esac
"""

FAKE_DPKG_QUERY = r"""#!/bin/bash
# dpkg-query -W -f='${Status}' PKG
pkg="${*: -1}"
if grep -qxF "$pkg" "$FAKE_APT/installed"; then
  printf 'install ok installed'
  exit 0
fi
echo "dpkg-query: no packages found matching $pkg" >&2
exit 1
"""


class FakeApt:
    def __init__(self, root):
        self.dir = root / "apt"
        self.bin = root / "bin"
        self.policy = root / "policy-rc.d"
        self.dir.mkdir()
        self.bin.mkdir()
        for name, text in (("apt-cache", FAKE_APT_CACHE), ("apt-get", FAKE_APT_GET),
                           ("dpkg-query", FAKE_DPKG_QUERY)):
            path = self.bin / name
            path.write_text(text)
            path.chmod(0o755)
        (self.dir / "mirror").write_text("")
        (self.dir / "installed").write_text("")
        (self.dir / "log").write_text("")

    def mirror(self, packages):
        (self.dir / "mirror").write_text("".join(p + "\n" for p in packages))

    def installed(self, packages):
        (self.dir / "installed").write_text("".join(p + "\n" for p in packages))

    def log(self):
        return (self.dir / "log").read_text().splitlines()

    def installed_now(self):
        return set((self.dir / "installed").read_text().split())

    def run(self, script):
        """Runs SCRIPT in bash as the project's scripts do (set -euo pipefail,
        common.sh sourced), with the fakes first on PATH."""
        env = dict(os.environ, FAKE_APT=str(self.dir), ECOM_POLICY_RC_D=str(self.policy),
                   PATH=f"{self.bin}:{os.environ['PATH']}")
        # as_root would use sudo, which resets PATH to the real apt, as non-root.
        prelude = f"set -euo pipefail\nsource {COMMON}\nas_root() {{ \"$@\"; }}\n"
        return subprocess.run(["bash", "-c", prelude + textwrap.dedent(script)], env=env,
                              capture_output=True, text=True, timeout=60)


@pytest.fixture
def apt(tmp_path):
    return FakeApt(tmp_path)


def installs(log):
    return [line for line in log if line.startswith("install ")]


def test_a_new_machine_gets_its_lists_once_then_boost_and_the_rest(apt):
    apt.mirror(DEBIAN_12)
    r = apt.run('ensure_build_packages "${RUN_PACKAGES[@]}"\necho REACHED')
    assert r.returncode == 0, r.stderr
    assert "REACHED" in r.stdout
    log = apt.log()
    # The probe for Boost found nothing, updated, and the installation did not update again.
    assert log[0] == "update" and log.count("update") == 1, log
    assert len(installs(log)) == 1, log
    assert set(DEBIAN_12) <= apt.installed_now()


def test_ubuntu_gets_its_boost(apt):
    apt.mirror(UBUNTU_24)
    r = apt.run("ensure_build_packages")
    assert r.returncode == 0, r.stderr
    assert apt.log().count("update") == 1
    assert {"libboost1.83-dev", "libboost-json1.83-dev", "libboost-url1.83-dev"} <= apt.installed_now()
    assert not any("1.81" in p for p in apt.installed_now())


def test_no_boost_even_after_an_update_stops_the_script_with_its_message(apt):
    apt.mirror([p for p in DEBIAN_12 if "boost" not in p])
    r = apt.run("ensure_build_packages\necho REACHED")
    assert r.returncode != 0
    assert "no Boost >= 1.81 in apt" in r.stderr
    assert "REACHED" not in r.stdout
    assert apt.log() == ["update"]


def test_first_available_updates_once_for_all_probes(apt):
    apt.mirror(["b"])
    r = apt.run("""
        first_available found x y b
        first_available again nothing-here || echo "no such package"
        echo "found=${found}"
        """)
    assert r.returncode == 0, r.stderr
    assert "found=b" in r.stdout and "no such package" in r.stdout
    assert apt.log() == ["update"]


def test_an_installed_package_is_found_without_lists(apt):
    apt.installed(["libboost1.81-dev"])
    r = apt.run('first_available found libboost1.81-dev libboost1.83-dev\necho "found=${found}"')
    assert r.returncode == 0, r.stderr
    assert "found=libboost1.81-dev" in r.stdout
    assert apt.log() == []


def test_a_machine_with_everything_installed_needs_no_apt(apt):
    apt.installed(DEBIAN_12)
    r = apt.run('ensure_build_packages "${RUN_PACKAGES[@]}"')
    assert r.returncode == 0, r.stderr
    assert apt.log() == []


def test_only_missing_packages_are_installed_with_services_held(apt):
    apt.mirror(DEBIAN_12)
    apt.installed(["g++", "make", "cmake", "libboost1.81-dev"])
    r = apt.run("ensure_build_packages nginx")
    assert r.returncode == 0, r.stderr
    log = apt.log()
    assert log[0] == "update" and len(installs(log)) == 1, log
    installed = installs(log)[0]
    assert "cmake" not in installed.split() and "libboost-json1.81-dev" in installed.split()
    # apt ran with policy-rc.d in place (no service started) and it is gone afterwards.
    assert installed.endswith("(policy-rc.d present)")
    assert not apt.policy.exists()


def test_an_existing_policy_file_is_left_alone(apt):
    apt.mirror(["nginx"])
    apt.policy.write_text("#!/bin/sh\nexit 101\n")
    apt.policy.chmod(0o755)
    r = apt.run("ensure_packages nginx")
    assert r.returncode == 0, r.stderr
    assert apt.policy.exists()


def test_a_failed_installation_stops_the_script(apt):
    apt.mirror(["nginx"])
    r = apt.run("ensure_packages nginx no-such-package\necho REACHED")
    assert r.returncode != 0
    assert "apt-get install failed" in r.stderr and "no-such-package" in r.stderr
    assert "REACHED" not in r.stdout
    assert not apt.policy.exists()


def test_die_inside_a_command_substitution_stops_the_script(apt):
    # The shape of the bug: a probe dying in $(...) used as a command's
    # arguments. That command still runs (bash handles the signal after it),
    # nothing after it does.
    r = apt.run("""
        packages() { die "no such thing in apt"; }
        echo installing $(packages)
        echo REACHED
        """)
    assert r.returncode != 0
    assert "no such thing in apt" in r.stderr
    assert "REACHED" not in r.stdout


def test_die_inside_an_assignment_stops_the_script_at_once(apt):
    r = apt.run("""
        port() { die "no free port"; }
        p="$(port)"
        echo REACHED
        """)
    assert r.returncode != 0
    assert r.stderr.count("no free port") == 1
    assert "REACHED" not in r.stdout


def test_a_failing_command_inside_a_command_substitution_stops_the_script(apt):
    r = apt.run("""
        value() { false; echo "went on"; }
        v="$(value)"
        echo "REACHED ${v}"
        """)
    assert r.returncode != 0
    assert "REACHED" not in r.stdout
