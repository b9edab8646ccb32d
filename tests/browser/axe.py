"""axe-core in the browser tests: `make install` vendors it into tests/browser/vendor/; a test
injects it into the page as it stands and reads the serious and critical findings. Pages
checked so must come from a context made with `bypass_csp=True`: the site's
Content-Security-Policy allows no script of the test's."""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, each as its rule and
    the elements at fault."""
    assert AXE.exists(), "axe-core is not vendored: run `make install` (needs npm)"
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)"""
    )
