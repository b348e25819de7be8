"""The templates' outputs rendered ahead of the build, by the main process while worker processes check the
sections (parallel.py): the title page, the cover's back, the annex and each section's byline, rendered with what
the build will give them except what only the checks know (each section's word count and the abbreviations the
sections use, left empty here).

Nothing rendered here goes into the document. The outputs are kept by what the template read of its context
(template_outputs.py) and the rendered elements by the output's text (sectionrender.py), so the build takes each
one that came out as it does in the build, and renders again any other (a byline that shows the section's words,
say): a wrong guess costs the time it took, never a wrong page. The first template with a problem ends them: the
build renders it, and reports the problem, with the whole of the templates' time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .compose import Credits, template_context
from .gitlog import Version
from .model import Project
from .sectionrender import SectionRenderer
from .sources import Source
from .store import Store
from .template_outputs import KeptTemplates

if TYPE_CHECKING:
    from .docx_writer import DocxBuilder

#: The parts rendered ahead, in the build's order; the abbreviations' list depends on the sections' words.
PARTS = ("title_page.md.j2", "cover_back.md.j2", "annex.md.j2")
BYLINE = "byline.md.j2"
#: The templates' time the renderings ahead may take (of `limits.template_seconds`): a paper's take milliseconds, and
#: one that runs to the limit is stopped here soon, and then by the build, which reports it.
SECONDS = 1.0


@dataclass
class Ahead:
    """The kept outputs and rendered templates, for the build to read (compose.render_parts)."""

    templates: KeptTemplates
    bylines: Store


def render_ahead(root: Path, source: Source, project: Project, version: Version, credits: Credits,
                 builder: DocxBuilder) -> Ahead:
    """Render the templates of the paper at `root` as the build will, but for the sections' facts."""
    templates = KeptTemplates(source, project.config.templates, root)
    renderer = SectionRenderer(root, builder, {}, {})
    context = template_context(project, [], version, credits)
    asked = [("part", name, context) for name in PARTS]
    asked += [("byline", BYLINE, context | {"section": section}) for section in context["sections"]]
    with templates.templates().trial(SECONDS):
        for kind, name, values in asked:
            text, problems = templates.render(name, values)
            if text is None or problems:  # the build renders it again, and reports what is wrong
                break
            try:
                renderer.prepare_template(kind, name, text)
            except Exception:  # an output only this guess made: the build makes its own
                break
    return Ahead(templates, renderer.bylines)
