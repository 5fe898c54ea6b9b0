from benchmarks import run


def test_groups_are_the_modules_with_a_run_function():
    assert "conformity" in run.discover()
    assert not {"run", "generate"} & set(run.discover())


def test_unknown_group_exit_2(capsys):
    assert run.main(["--only", "nope"]) == 2
    assert "groupe inconnu : nope" in capsys.readouterr().err


def test_the_national_list_is_scaled_with_fresh_ids():
    import csv
    import io

    from benchmarks.national import scaled_list

    assert "national" in run.discover()
    rows = list(csv.DictReader(io.StringIO(scaled_list(1_300).decode("utf-8"), newline="")))
    assert len(rows) == 1_300
    assert len({row["id_fs"] for row in rows}) == 1_300
