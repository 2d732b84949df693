"""Checks the Windows build `make windows` made: a 64-bit GUI program (no
console window beside it) with the app's icon and version resource, which
loads WebView2Loader.dll from beside itself, and starts under wine far
enough to say its version.

    check-exe.py RELEASE_DIR VERSION PRODUCT_NAME
"""

import subprocess
import sys
from pathlib import Path

import pefile

IMAGE_FILE_MACHINE_AMD64 = 0x8664
IMAGE_SUBSYSTEM_WINDOWS_GUI = 2


def version_strings(pe: pefile.PE) -> dict[str, str]:
    found: dict[str, str] = {}
    for info in getattr(pe, "FileInfo", []):
        for entry in info:
            for table in getattr(entry, "StringTable", []):
                for key, value in table.entries.items():
                    found[key.decode()] = value.decode()
    return found


def main() -> int:
    release, version, product = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    exe = release / "atlas-access-manager.exe"
    pe = pefile.PE(str(exe))
    problems = []
    if pe.FILE_HEADER.Machine != IMAGE_FILE_MACHINE_AMD64:
        problems.append(f"machine {pe.FILE_HEADER.Machine:#x}, not x86-64")
    if pe.OPTIONAL_HEADER.Subsystem != IMAGE_SUBSYSTEM_WINDOWS_GUI:
        problems.append(f"subsystem {pe.OPTIONAL_HEADER.Subsystem}, not the GUI's")
    resources: dict[str, int] = {}
    if hasattr(pe, "DIRECTORY_ENTRY_RESOURCE"):
        for entry in pe.DIRECTORY_ENTRY_RESOURCE.entries:
            resources[pefile.RESOURCE_TYPE.get(entry.id)] = len(entry.directory.entries)
    for kind in ("RT_ICON", "RT_GROUP_ICON", "RT_VERSION", "RT_MANIFEST"):
        if not resources.get(kind):
            problems.append(f"no {kind} resource")
    strings = version_strings(pe)
    for key, expected in (("ProductName", product), ("ProductVersion", version), ("FileVersion", version)):
        if strings.get(key) != expected:
            problems.append(f"{key} is {strings.get(key)!r}, not {expected!r}")
    imports = {entry.dll.decode().lower() for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])}
    if "webview2loader.dll" in imports and not (release / "WebView2Loader.dll").is_file():
        problems.append("WebView2Loader.dll is imported but not beside the .exe")
    runner = Path(__file__).with_name("wine-runner.sh")
    answer = subprocess.run(
        [str(runner), str(exe), "--version"], capture_output=True, text=True, timeout=120
    )
    if answer.returncode != 0 or answer.stdout.strip() != f"{product} {version}":
        problems.append(f"--version under wine said {answer.stdout!r} (exit {answer.returncode})")
    if problems:
        print(f"{exe}:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(
        f"{exe}: x86-64 GUI program, {resources['RT_ICON']} icon images, "
        f"version {version}, manifest; --version under wine: {answer.stdout.strip()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
