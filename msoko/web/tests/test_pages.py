"""Pages show the catalog and indicator values computed from stored data values."""


def test_organisation_card_shows_indicator_dynamics_and_municipal_value(client_for, vpr_values):
    page = client_for("department").get("/organisations/OO-A/?year=2024").content.decode().replace("\u00a0", " ")
    assert "Доля участников ВПР, получивших «2»" in page
    assert ">30 %<" in page and ">20 %<" in page  # 3/10 in 2023/24, 2/10 in 2024/25
    assert "−10" in page  # change since last year
    # municipal value for schools: (2 + 1) / (10 + 20) = 10 %, not the mean of 20 % and 5 %
    assert ">10 %<" in page


def test_direction_monitoring_tab_lists_schools_with_values(client_for, vpr_values):
    page = client_for("coordinator").get("/directions/1/?tab=monitoring&year=2024").content.decode()
    assert "Школа А" in page and "Школа Б" in page
    assert "Значения по муниципалитету" in page


def test_direction_goals_tab_and_empty_positions_explain_what_is_missing(client_for, small_catalog):
    client = client_for("department")
    assert "Повышение качества подготовки обучающихся" in client.get("/directions/1/").content.decode()
    page = client.get("/directions/1/?tab=decisions").content.decode()
    assert "Управленческие решения по направлению за этот год ещё не приняты" in page


def test_catalog_search_is_case_insensitive_for_cyrillic(client_for, small_catalog):
    page = client_for("school_a").get("/catalog/?q=ДОЛЯ участников").content.decode()
    assert "Доля участников ВПР" in page
    assert "vpr_mark2 / vpr_participants × 100" in page


def test_indicator_page_shows_formula_elements_and_seed_reference(client_for, small_catalog):
    page = client_for("public").get("/catalog/indicators/1.01/").content.decode()
    assert "Число участников ВПР с отметкой «2»" in page
    assert "000 §22" in page


def test_dashboard_matrix_marks_filled_positions(client_for, vpr_values):
    page = client_for("department").get("/?year=2024").content.decode()
    assert "Качество подготовки" in page
    assert "целей: 1" in page
    assert "организаций с данными: 2" in page


def test_organisation_search_ignores_case_and_yo(client_for):
    page = client_for("department").get("/organisations/?q=ЕЛОЧКА").content.decode()
    assert "Ёлочка" in page and "Школа А" not in page


def test_variant_direction_appears_only_when_the_municipality_switches_it_on(client_for, world, small_catalog):
    from msoko.catalog.models import Direction

    main = small_catalog.direction
    Direction.objects.create(
        version=main.version, mechanism=main.mechanism, number=9, code="objectivity",
        name="Система обеспечения объективности процедур оценки качества", short_name="Объективность",
        is_variant=True, seed_ref="001",
    )
    client = client_for("department")
    assert client.get("/directions/9/").status_code == 404
    assert "Объективность" not in client.get("/").content.decode()

    world.municipality.variant_directions = ["objectivity"]
    world.municipality.save()
    assert client.get("/directions/9/").status_code == 200
    assert "Объективность" in client.get("/").content.decode()
