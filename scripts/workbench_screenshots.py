"""Screenshots of the workbench (工作台) for docs/screenshots/, taken from a running `make demo`.

    make demo PORT=8011 &            # in another shell, from a clean checkout
    .venv/bin/python scripts/workbench_screenshots.py http://127.0.0.1:8011 docs/screenshots

Debian's chromium through Playwright (no browser download), in zh-Hans, at desktop (1280 px) and phone (390 px)
width, for the roles that need no second factor: the bureau's staff, a line department, a subdistrict office,
an enterprise and an expert. Chinese text needs a CJK font on the machine (`apt-get install fonts-noto-cjk`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Demo@2026"  # the demo accounts' password (README)
ROLES = {"bureau": "bureau_staff", "department": "dept_housing", "subdistrict": "sub_guangfu",
         "enterprise": "ent_demo", "expert": "expert_demo"}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for role, username in ROLES.items():
            for width, viewport in WIDTHS.items():
                context = browser.new_context(viewport=viewport, locale="zh-CN",
                                              extra_http_headers={"Accept-Language": "zh-Hans"})
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", PASSWORD)
                page.click("main form button[type=submit]")
                page.wait_for_load_state("networkidle")
                if "/accounts/password/" in page.url:
                    raise SystemExit(f"{username} must change the password first: use a fresh `make demo`")
                page.goto(f"{base}/")
                page.wait_for_load_state("networkidle")
                path = out / f"workbench-{role}-{width}.png"
                page.screenshot(path=str(path), full_page=True)
                print(path, page.title())
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000",
         Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots"))
