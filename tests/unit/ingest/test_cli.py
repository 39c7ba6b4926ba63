import pytest

from app.cli import _progress_line, build_parser, serve_settings


def test_serve_runs_an_in_process_worker_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TROOPWATCH_INPROCESS_WORKER", raising=False)
    assert serve_settings(no_worker=False).inprocess_worker is True
    assert serve_settings(no_worker=True).inprocess_worker is False


def test_the_setting_decides_when_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TROOPWATCH_INPROCESS_WORKER", "false")
    assert serve_settings(no_worker=False).inprocess_worker is False


def test_the_progress_bar_counts_finished_items() -> None:
    line = _progress_line(done=5, failed=2, duplicate=3, total=20)
    assert line == "\r[###############...............] 10/20 (done 5, duplicate 3, failed 2)"


@pytest.mark.parametrize(
    "argv",
    [
        ["worker"],
        ["worker", "--concurrency", "4"],
        ["import", "a.txt", "folder", "https://example.org/feed.xml", "--feed"],
        ["reextract", "--article", "3", "--article", "4", "--no-wait"],
    ],
)
def test_the_job_commands_parse(argv: list[str]) -> None:
    assert callable(build_parser().parse_args(argv).func)


def test_the_job_app_knows_the_tasks_and_polls_saved_feeds_every_five_minutes() -> None:
    from app.imports.service import PROCESS_ITEM_TASK
    from app.jobs import make_job_app

    job_app = make_job_app("postgresql://nobody@127.0.0.1:1/nothing")
    assert {PROCESS_ITEM_TASK, "poll_saved_feeds"} <= set(job_app.tasks)
    periodic = list(job_app.periodic_registry.periodic_tasks.values())
    assert [(p.task.name, p.cron) for p in periodic] == [("poll_saved_feeds", "*/5 * * * *")]
