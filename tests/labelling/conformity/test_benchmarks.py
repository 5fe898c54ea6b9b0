from benchmarks import run


def test_groups_are_the_modules_with_a_run_function():
    assert "conformity" in run.discover()
    assert not {"run", "generate"} & set(run.discover())


def test_unknown_group_exit_2(capsys):
    assert run.main(["--only", "nope"]) == 2
    assert "groupe inconnu : nope" in capsys.readouterr().err
