"""`coe-paper schema`: JSON Schemas made from the models accept the bundled paper and reject what validate rejects."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from coe_paper import schema
from coe_paper.cli import app
from coe_paper.project import split_front_matter
from conftest import PAPER_YAML, REPO_ROOT, MakeProject, cli, require_client, section_text


def _schemas() -> dict[str, dict[str, object]]:
    return {item.name: json.loads(item.text) for item in schema.schemas()}


def test_the_repository_keeps_the_current_schemas() -> None:
    for item in schema.schemas():
        assert (REPO_ROOT / "schemas" / item.name).read_text(encoding="utf-8") == item.text, (
            f"schemas/{item.name} is stale: run `coe-paper schema`")


def test_the_bundled_paper_matches_its_schemas() -> None:
    found = _schemas()
    jsonschema.validate(yaml.safe_load((REPO_ROOT / "paper/paper.yaml").read_text()), found["paper.schema.json"])
    jsonschema.validate(yaml.safe_load((REPO_ROOT / "contributors.yaml").read_text()),
                        found["contributors.schema.json"])
    sections = sorted((REPO_ROOT / "sections").glob("*.md"))
    assert sections
    for path in sections:
        parts = split_front_matter(path.read_text(encoding="utf-8"))
        assert parts is not None
        jsonschema.validate(yaml.safe_load(parts[0]), found["section.schema.json"])


@pytest.mark.parametrize(("name", "data"), [
    ("paper.schema.json", {"title": "T", "outline": [{"id": "a"}], "tilte": "typo"}),
    ("paper.schema.json", {"title": "T", "outline": [{"id": "Not An Id"}]}),
    ("paper.schema.json", {"title": "T", "outline": [{"id": "a"}], "attribution": {"min_share": 5}}),
    ("contributors.schema.json", {"organisations": [{"id": "x", "name": "X", "kind": "city", "country": "GR"}]}),
    ("section.schema.json", {"id": "a", "title": "A", "lead": "rome", "status": "done"}),
    ("section.schema.json", {"id": "a", "title": "A"}),
])
def test_the_schemas_reject_what_validate_rejects(name: str, data: object) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _schemas()[name])


_OUTLINE = "title: T\noutline:\n  - id: intro\n"
_MEMBER = "organisations:\n  - {id: a, name: A, kind: city, country: IT, "


@pytest.mark.parametrize(("name", "text"), [
    ("paper.schema.json", _OUTLINE + "    min_words: '50'\n"),
    ("paper.schema.json", _OUTLINE + "    required: 'no'\n"),
    ("paper.schema.json", _OUTLINE + "    required: yes\n"),
    ("paper.schema.json", _OUTLINE + "    due: 2024-03-31\n"),
    ("paper.schema.json", _OUTLINE + "    due: 2024-3-31\n"),
    ("paper.schema.json", _OUTLINE + "    due: 2024-13-01\n"),
    ("paper.schema.json", _OUTLINE + "    due: 31 March 2024\n"),
    ("paper.schema.json", _OUTLINE + "    due: 2024-02-29\n"),
    ("paper.schema.json", _OUTLINE + "    due: 2023-02-29\n"),
    ("paper.schema.json", _OUTLINE + "    due: 2024-02-30\n"),
    ("paper.schema.json", _OUTLINE + "    due: 2024-04-31\n"),
    ("paper.schema.json", _OUTLINE + "    due: 2024-06-30\n"),
    ("paper.schema.json", _OUTLINE + "    due: 2000-02-29\n"),
    ("paper.schema.json", _OUTLINE + "    due: 1900-02-29\n"),
    ("paper.schema.json", _OUTLINE + "    due: 0000-01-01\n"),
    ("paper.schema.json", _OUTLINE + "    due: 0000-02-29\n"),
    ("paper.schema.json", _OUTLINE + "    due: 0004-02-29\n"),
    ("paper.schema.json", _OUTLINE + "    due: 2024-12-31\n"),
    ("paper.schema.json", _OUTLINE + "numbering: 0\n"),
    ("paper.schema.json", _OUTLINE + "attribution:\n  min_share: '0.1'\n"),
    ("paper.schema.json", _OUTLINE + "attribution:\n  min_share: 0\n"),
    ("paper.schema.json", _OUTLINE + "checks:\n  max_sentence_words: '30'\n"),
    ("paper.schema.json", _OUTLINE + "checks:\n  select: [COE7, COE712]\n  ignore: [COE73]\n"),
    ("paper.schema.json", _OUTLINE + "checks:\n  select: [E501]\n"),
    ("paper.schema.json", _OUTLINE + "checks:\n  ignore: [coe7]\n"),
    ("paper.schema.json", _OUTLINE + "checks:\n  severity: {COE70: error}\n"),
    ("paper.schema.json", _OUTLINE + "checks:\n  severity: {COE101: error}\n"),
    ("contributors.schema.json", "organisations:\n  - {id: a, name: A, kind: city, country: IT, emails: [1]}\n"),
    ("contributors.schema.json", _MEMBER + "emails: [not-an-email]}\n"),
    ("contributors.schema.json", _MEMBER + "emails: [ana@laptop, a.b+c@rome.example.it]}\n"),
    ("contributors.schema.json", _MEMBER + "emails: ['Ana <ana@rome.it>']}\n"),
    ("contributors.schema.json", _MEMBER + "domains: ['https://example.org']}\n"),
    ("contributors.schema.json", _MEMBER + "domains: [example.org/team]}\n"),
    ("contributors.schema.json", _MEMBER + "domains: [org]}\n"),
    ("contributors.schema.json", _MEMBER + "domains: [rome.it, '@anct.example.org', .ec.europa.eu]}\n"),
    ("contributors.schema.json", _MEMBER + "people: [{name: Ana, email: not-an-email}]}\n"),
    ("contributors.schema.json", _MEMBER + "people: [{name: Ana, email: ''}, {name: Ben, email: ben@rome.it}]}\n"),
    ("paper.schema.json", _OUTLINE + "branch: ''\n"),
    ("paper.schema.json", _OUTLINE + "branch: my branch\n"),
    ("paper.schema.json", _OUTLINE + "branch: --help\n"),
    ("paper.schema.json", _OUTLINE + "branch: release/2024-06\n"),
    ("section.schema.json", "id: a\ntitle: A\nlead: rome\ncontributors: [anct]\nstatus: review\n"),
])
def test_the_schemas_and_validate_agree(name: str, text: str) -> None:
    """An editor checking with the schema and `validate` give one answer. Validate converted what the schema
    refuses (`min_words: '50'`, `required: 'no'`, `numbering: 0`), and the schema let through rule codes that
    validate refuses (`select: [E501]`)."""
    from coe_paper.model import ContributorsFile, PaperConfig, SectionMeta
    from coe_paper.project import validate_model
    from coe_paper.yamlsafe import load_yaml

    located, problems = load_yaml(text, "x.yaml")
    assert located is not None and not problems
    model = {"paper.schema.json": PaperConfig, "contributors.schema.json": ContributorsFile,
             "section.schema.json": SectionMeta}[name]
    accepted = validate_model(model, located, "x.yaml")[0] is not None  # type: ignore[type-var]
    schema_ = _schemas()[name]
    errors = list(jsonschema.validators.validator_for(schema_)(schema_).iter_errors(located.data))
    assert accepted == (not errors), (accepted, [error.message for error in errors])


@pytest.mark.parametrize("output", ["build/paper.docx", "build/PAPER.DOCX", "build/paper", "out.v2/paper",
                                    "build/paper.pdf", "build/paper.docx.odt", "build/", "''", ".", "build/.."])
def test_the_schema_and_validate_agree_on_the_output_s_name(make_project: MakeProject, output: str) -> None:
    """The schema took any `output:`; validate refuses a folder ('', 'build/') and another kind of file
    (`paper.pdf`), COE006 at the line, so an editor showed no problem where CI's Validate step failed."""
    root = make_project()
    config = root / "paper/paper.yaml"
    text = re.sub(r"(?m)^output: .*$", f"output: {output}", config.read_text(encoding="utf-8"))
    config.write_text(text, encoding="utf-8")
    found = json.loads(cli("--project", str(root), "validate", "--format", "json").stdout)
    refused = [d["message"] for d in found if d["path"] == "paper/paper.yaml" and d["severity"] == "error"]
    schema_ = _schemas()["paper.schema.json"]
    errors = [e.message for e in jsonschema.Draft7Validator(schema_).iter_errors(yaml.safe_load(text))]
    assert bool(refused) == bool(errors), (refused, errors)


def test_an_address_that_is_no_e_mail_domain_or_branch_is_refused_at_its_line(make_project: MakeProject) -> None:
    """`emails: [not-an-email]`, `domains: ["https://example.org"]` and `branch: ""` passed both the schema and
    validate, so no commit was ever mapped by them and the preview's links led nowhere; both refuse them now, validate
    at the line of each, saying what was expected."""
    root = make_project()
    members = root / "contributors.yaml"
    text = members.read_text(encoding="utf-8").replace("domains: [anct.example.org]",
                                                        'domains: ["https://example.org"]\n    emails: [not-an-email]')
    members.write_text(text, encoding="utf-8")
    config = root / "paper/paper.yaml"
    config.write_text(config.read_text(encoding="utf-8") + 'branch: ""\n', encoding="utf-8")
    lines = text.splitlines()
    domains = next(n for n, line in enumerate(lines, 1) if "https://example.org" in line)
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    branch_line = len(config.read_text(encoding="utf-8").splitlines())
    assert (f"contributors.yaml:{domains}:15: error COE002 organisations (id 'anct').domains (item 1): "
            "'https://example.org' is not a domain (example.org), without https://, a port or a path") in result.stderr
    assert (f"contributors.yaml:{domains + 1}:14: error COE002 organisations (id 'anct').emails (item 1): "
            "'not-an-email' is not an e-mail address (name@example.org)") in result.stderr
    assert f"paper/paper.yaml:{branch_line}:1: error COE002 branch: '' is not a git branch's name" in result.stderr
    found = _schemas()
    members_errors = jsonschema.Draft7Validator(found["contributors.schema.json"]).iter_errors(yaml.safe_load(text))
    assert sorted(e.path[2] for e in members_errors) == ["domains", "emails"]
    assert [e.path[0] for e in jsonschema.Draft7Validator(found["paper.schema.json"]).iter_errors(
        yaml.safe_load(config.read_text(encoding="utf-8")))] == ["branch"]


@pytest.mark.parametrize(("key", "line"), [("template", 6), ("templates", 7)])
def test_an_empty_template_or_templates_folder_is_refused_at_its_line(make_project: MakeProject, key: str,
                                                                      line: int) -> None:
    """`templates: ''` named the project's own folder: the schema took it, and validate blamed `output:` for
    overwriting the paper's files (COE007). Both refuse it now, validate at the line that says it."""
    root = make_project()
    config = root / "paper/paper.yaml"
    text = re.sub(rf"(?m)^{key}: .*$", f"{key}: ''", config.read_text(encoding="utf-8"))
    config.write_text(text, encoding="utf-8")
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"paper/paper.yaml:{line}:1: error COE002 {key}: "), result.stderr
    assert "COE007" not in result.stderr
    schema_ = _schemas()["paper.schema.json"]
    assert [e.path[0] for e in jsonschema.Draft7Validator(schema_).iter_errors(yaml.safe_load(text))] == [key]


@pytest.mark.parametrize("written", ["/tmp/x", "../x", "C:/x", "\\\\server\\x", "./../x"])
@pytest.mark.parametrize("key", ["output", "template", "templates", "abbreviations", "words", "terms", "logo"])
def test_the_schema_and_validate_agree_on_a_path_out_of_the_project(make_project: MakeProject, key: str,
                                                                    written: str) -> None:
    """A path of paper.yaml that is absolute or climbs out of the project at its start is COE005 (COE503 for a
    logo), and the schema took it: the editor showed nothing wrong."""
    root = make_project()
    value = json.dumps(written + {"output": ".docx", "template": ".docx", "logo": ".png"}.get(key, ".yaml"))
    lines = {"output": f"output: {value}", "template": f"template: {value}", "templates": f"templates: {value}",
             "abbreviations": f"abbreviations: {value}", "words": f"checks:\n  words: {value}",
             "terms": f"checks:\n  terms: [{value}]", "logo": f"cover:\n  logos:\n    - {{path: {value}, alt: A}}"}
    config = root / "paper/paper.yaml"
    text = re.sub(rf"(?m)^{key}: .*\n", "", config.read_text(encoding="utf-8")) + lines[key] + "\n"
    config.write_text(text, encoding="utf-8")
    found = json.loads(cli("--project", str(root), "validate", "--format", "json").stdout)
    assert [d["code"] for d in found if d["severity"] == "error"] == ["COE503" if key == "logo" else "COE005"], found
    schema_ = _schemas()["paper.schema.json"]
    assert list(jsonschema.Draft7Validator(schema_).iter_errors(yaml.safe_load(text)))


@pytest.mark.parametrize(("lead", "contributors"), [("rome", "[anct]"), ("Rome", "[anct]"), ("''", "[anct]"),
                                                    ("rome", "[ANCT]"), ("rome", "['anct ']")])
def test_the_schema_and_validate_agree_on_organisation_ids(make_project: MakeProject, lead: str,
                                                           contributors: str) -> None:
    """Organisation ids are lower case (contributors.yaml's schema says so), so a lead or contributor written
    otherwise is unknown to validate (COE201), but the section schema took any text."""
    text = section_text("outlook", "Words enough for the outlook, ten of them or a few more.\n", lead=lead,
                        contributors=contributors)
    root = make_project({"sections/03-outlook.md": text})
    found = json.loads(cli("--project", str(root), "validate", "--format", "json").stdout)
    refused = [d["message"] for d in found if d["code"] == "COE201"]
    parts = split_front_matter(text)
    assert parts is not None
    schema_ = _schemas()["section.schema.json"]
    errors = [e.message for e in jsonschema.Draft7Validator(schema_).iter_errors(yaml.safe_load(parts[0]))]
    assert bool(refused) == bool(errors), (refused, errors)


def test_a_date_written_as_a_date_is_its_text_as_the_editor_reads_it(make_project: MakeProject,
                                                                    tmp_path: Path) -> None:
    """`date: 2024-01-31` on the cover, unquoted, was a date to validate (YAML 1.1), refused as "Input should be a
    valid string", while the editor's YAML language server (YAML 1.2) read it as text and the schema accepted it.
    It is now the text written, printed on the cover as it stands; a section's title that looks like a date too."""
    paper = PAPER_YAML + "cover:\n  date: 2024-01-31\n"
    section = section_text("outlook", "Words enough for the outlook, ten of them or a few more.\n", title="2030-12-31")
    root = make_project({"paper/paper.yaml": paper, "sections/03-outlook.md": section}, git=True)
    checked = cli("--project", str(root), "validate", "--format", "json")
    assert [d for d in json.loads(checked.stdout) if d["severity"] == "error"] == [], checked.stdout
    schema_ = _schemas()["paper.schema.json"]
    assert not list(jsonschema.Draft7Validator(schema_).iter_errors(yaml.safe_load(paper.replace(
        "date: 2024-01-31", "date: '2024-01-31'"))))  # as the language server reads it
    out = tmp_path / "paper.docx"
    assert cli("--project", str(root), "assemble", "--no-layout", "-o", str(out)).exit_code == 0
    text = subprocess.run([require_client("pandoc"), "-t", "plain", str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert "\n2024-01-31\n" in text and "2030-12-31" in text, text[:600]


_AFTER_DRAFT_7 = {"$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$vocabulary", "prefixItems",
                  "unevaluatedProperties", "unevaluatedItems", "dependentRequired", "dependentSchemas", "minContains",
                  "maxContains"}


def _objects(node: object) -> list[dict[str, object]]:
    if isinstance(node, dict):
        return [node, *(found for value in node.values() for found in _objects(value))]
    return [found for value in node for found in _objects(value)] if isinstance(node, list) else []


def test_the_schemas_are_draft_7_which_the_yaml_language_server_reads() -> None:
    """The schemas said draft 2020-12, which the YAML language server that init's editor settings use does not
    support ("Supports JSON Schema 7 and below"). They are written in draft 7: no later keyword, and no check
    beside a `$ref` (draft 7 ignores what stands beside one)."""
    for name, found in _schemas().items():
        validator = jsonschema.validators.validator_for(found)
        assert validator is jsonschema.Draft7Validator, name
        validator.check_schema(found)
        for node in _objects(found):
            if isinstance(node.get("properties"), dict):  # property names are not keywords
                node = {key: value for key, value in node.items() if key != "properties"}
            assert not _AFTER_DRAFT_7 & set(node), (name, _AFTER_DRAFT_7 & set(node))
            if "$ref" in node:
                assert set(node) <= {"$ref", "default", "description", "title"}, (name, node)


def test_country_codes_are_offered_in_protocol_order() -> None:
    country = _schemas()["contributors.schema.json"]["$defs"]["Contributor"]["properties"]["country"]  # type: ignore[index]
    assert country["enum"][:3] == ["BE", "BG", "CZ"] and "EL" in country["enum"] and "GR" not in country["enum"]


def test_schema_command_writes_three_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--project", str(REPO_ROOT), "schema", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "contributors.schema.json", "paper.schema.json", "section.schema.json"]
    settings = json.loads((REPO_ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {"./schemas/paper.schema.json": ["paper/paper.yaml"],
                                        "./schemas/contributors.schema.json": ["contributors.yaml"]}


def test_schema_command_onto_a_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("mine\n", encoding="utf-8")
    for target, why in ((taken, "it is"), (taken / "below", f"{taken} on the way is")):
        result = CliRunner().invoke(app, ["schema", "-o", str(target)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code == 1
        assert f"{target}: error COE006 cannot write the schemas: {why} a file, not a folder" in result.stderr
    assert taken.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("command", ["schema", "init"])
def test_a_write_that_fails_halfway_leaves_no_half_written_file(tmp_path: Path, command: str) -> None:
    """The schemas (and init's files) were written in place: a full disk, here the file size limit, left
    schemas/paper.schema.json empty where a good one had been, and init a cut-off file. Each file is now whole or
    as it was."""
    import os
    import resource
    import subprocess
    import sys

    from coe_paper import scaffold

    folder = tmp_path / "schemas"
    schema.write(folder)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    limit = 2000  # bytes: the smaller files fit, the larger are cut off

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    args = ["schema", "-o", str(folder)] if command == "schema" else ["init", str(tmp_path / "new")]
    run = subprocess.run([sys.executable, "-m", "coe_paper", *args], env={**os.environ, "COE_PAPER_RESIDENT": "0"},
                         capture_output=True, text=True, check=False, preexec_fn=capped)
    assert run.returncode != 0 and "Traceback" not in run.stderr, run.stderr
    if command == "schema":
        assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    else:
        expected = scaffold.files_for("Urban Agenda Partnership", "gitlab")
        for path, content in expected.items():
            made = tmp_path / "new" / path
            if made.exists():
                assert made.read_bytes() == (content if isinstance(content, bytes) else content.encode()), path


@pytest.mark.parametrize("command", ["schema", "preview", "serve"])
def test_an_empty_output_folder_is_a_usage_error(make_project: MakeProject, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """`schema -o ""` (a variable that is not set) wrote the schemas into the current folder, as `Path("")` is
    that folder, and `serve -o ""` served it; `assemble -o ""` was a usage error. The folder-writing commands refuse
    it, writing nothing."""
    root = make_project()
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = CliRunner().invoke(app, ["--project", str(root), command, "-o", ""])
    assert result.exit_code == 2 and "an empty folder name" in result.output, result.output
    assert not any(here.iterdir()) and not (root / "schemas").exists()
