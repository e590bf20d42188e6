"""Voice every lesson screen with espeak-ng (Vietnamese) into small Ogg Opus files under static/guidance/audio/.

`truyxuat guidance_audio` writes only the files that are missing (a real recording put in place of a draft stays);
`--force` voices them all again. Needs the Debian packages espeak-ng and opus-tools
(scripts/ensure-system-packages.sh).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guidance.lessons import LESSONS

AUDIO_DIR = Path(__file__).resolve().parents[2] / "static"


def voice(text: str, target: Path) -> None:
    """espeak-ng's Vietnamese voice at a calm pace, then Opus at 16 kbit/s mono (speech stays clear, ~2 kB/s)."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "say.wav"
        subprocess.run(["espeak-ng", "-v", "vi", "-s", "140", "-w", str(wav), text], check=True, timeout=60)
        subprocess.run(
            ["opusenc", "--quiet", "--bitrate", "16", "--downmix-mono", str(wav), str(target)], check=True, timeout=60
        )


class Command(BaseCommand):
    help = "Voice the guidance lessons (espeak-ng) into static/guidance/audio/*.ogg; only missing files unless --force"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="voice every screen again, replacing recordings")

    def handle(self, *args: Any, **options: Any) -> None:
        for tool in ("espeak-ng", "opusenc"):
            if shutil.which(tool) is None:
                raise CommandError(f"{tool} is missing: run scripts/ensure-system-packages.sh")
        made = 0
        for lesson in LESSONS:
            for n, (_picture, text) in enumerate(lesson.screens, start=1):
                target = AUDIO_DIR / lesson.audio(n)
                if target.exists() and not options["force"]:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                voice(text, target)
                made += 1
        self.stdout.write(f"{made} audio file(s) written under {AUDIO_DIR / 'guidance' / 'audio'}")
