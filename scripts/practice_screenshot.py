"""docs/practice.png: the practice page as a student sees it, part-way through seed 002
(Z1 and A1 right, a slip in Z2 carried into A2, the seed's own Δ² with its 1/m left out,
the next line shown).  Drives Debian's /usr/bin/chromium with Playwright.

    python3 scripts/practice_screenshot.py [-o docs/practice.png]
"""
from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ANSWERS = {
    "Z1": ["0.3", "0.7", "0.5", "0.9", "0.5", "1.0", "0.8", "1.3"],
    "A1": ["0.574", "0.668", "0.622", "0.711", "0.622", "0.731", "0.690", "0.786"],
    "Z2": ["1.103", "1.306", "1.163", "1.256"],            # 1.306: a slip (the true one is 1.206)
    "A2": ["0.751", "0.787", "0.762", "0.778"],             # σ of the student's own Z2: carried
    "dZ2": [".140", "-.091", "-.043", "-.039"],            # seed 002's, 1/m left out
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default=str(ROOT / "docs" / "practice.png"))
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from tracer.practice.app import create_app
    srv = make_server("127.0.0.1", 0, create_app(ROOT / "worked_examples"), threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 1480}, device_scale_factor=1)
            page.goto(f"http://127.0.0.1:{srv.server_port}/p/or_gate")
            page.wait_for_selector(".katex")
            for name, values in ANSWERS.items():
                cells = page.locator(f'.card[data-key="0:{name}"] input.cell')
                for k, v in enumerate(values):
                    cells.nth(k).fill(v)
            page.wait_for_selector('.card[data-key="0:dZ2"].st-wrong')
            page.locator('.card[data-key="0:J"] .hint-button').click()
            page.wait_for_timeout(300)
            page.locator('.card[data-key="0:A1"]').evaluate("e => e.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(300)
            page.screenshot(path=args.output)
            browser.close()
    finally:
        srv.shutdown()
    print(args.output)


if __name__ == "__main__":
    main()
