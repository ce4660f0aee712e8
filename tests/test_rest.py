"""REST under /api/v1, through HTTP, on the seeded database."""

import pytest

pytestmark = pytest.mark.anyio


async def test_indicator_expected_better_quality_series_change_and_source(client):
    response = await client.get("/api/v1/indicators/expected-better-quality")
    assert response.status_code == 200
    assert response.headers["content-language"] == "nb"
    body = response.json()
    assert body["title"] == "Forventer bedre tjenestekvalitet"
    assert [(p["wave"], p["value"], p["status"]) for p in body["series"]] == [
        (2015, 24, "published"),
        (2016, None, "no_source"),
        (2017, 64, "published"),
    ]
    assert [(p["rule"], p["parts"]) for p in body["series"]] == [(None, [])] * 3
    assert body["series"][2]["change"] == 40
    assert body["series"][2]["change_from"] == 2015
    assert body["changes"] == [{"from": 2015, "to": 2017, "points": 40}]
    assert [source["code"] for source in body["sources"]] == ["pr17"]
    assert body["sources"][0]["publisher"] == "EVRY"
    assert body["sources"][0]["published"] == "2018-01-24"


async def test_indicator_in_english(client):
    response = await client.get("/api/v1/indicators/action-plan", params={"lang": "en"})
    assert response.status_code == 200
    assert response.headers["content-language"] == "en"
    body = response.json()
    assert body["title"] == "Say the action plan mentions digitalisation"
    assert body["changes"] == [{"from": 2015, "to": 2017, "points": 8}]


async def test_indicator_sum_of_options_keeps_published_rounded_total(client):
    body = (await client.get("/api/v1/indicators/ict-contributed-quality")).json()
    first = body["series"][0]
    assert (first["wave"], first["value"], first["status"]) == (2015, 94.7, "derived")
    assert first["rule"] == "sum"
    assert first["parts"] == [
        {"option": "moderate", "value": 38.9, "status": "published", "source": "e15"},
        {"option": "high", "value": 42.5, "status": "published", "source": "e15"},
        {"option": "very-high", "value": 13.3, "status": "published", "source": "e15"},
    ]
    assert first["base_n"] == 113
    assert first["sources"] == ["e15"]
    assert first["published_total"]["value"] == 95
    assert first["published_total"]["source"] == "cw15"
    assert body["options"] == ["moderate", "high", "very-high"]
    assert {source["code"] for source in body["sources"]} == {"e15", "cw15"}
    assert body["changes"] == []


async def test_indicator_with_approximate_part_is_derived_and_shows_the_part(client):
    body = (await client.get("/api/v1/indicators/planning-digital")).json()
    first = body["series"][0]
    assert (first["value"], first["status"], first["rule"]) == (42, "derived", "sum")
    assert [(p["option"], p["value"], p["status"]) for p in first["parts"]] == [
        ("all-digital", 10, "approximate"),
        ("most-digital", 32, "published"),
    ]


async def test_indicator_described_only_in_words_is_missing_with_reason(client):
    body = (await client.get("/api/v1/indicators/high-priority", params={"lang": "en"})).json()
    assert [(p["wave"], p["value"], p["status"]) for p in body["series"]] == [
        (2015, None, "qualitative"),
        (2016, None, "no_source"),
        (2017, None, "qualitative"),
    ]
    assert "well over 50 percent" in body["series"][0]["notes"][0]
    assert body["changes"] == []


async def test_indicators_list_names_question_and_options(client):
    response = await client.get("/api/v1/indicators")
    assert response.status_code == 200
    codes = [item["code"] for item in response.json()["data"]]
    assert codes == [
        "expected-better-quality",
        "expected-simpler-routines",
        "expected-faster-processing",
        "high-priority",
        "action-plan",
        "ict-contributed-quality",
        "planning-digital",
        "nursing-homes-digital",
    ]


async def test_contributed_quality_is_not_joined_with_expected_quality(client):
    expected = (await client.get("/api/v1/indicators/expected-better-quality")).json()
    contributed = (await client.get("/api/v1/indicators/ict-contributed-quality")).json()
    assert expected["question"] != contributed["question"]
    assert [p["value"] for p in expected["series"]] == [24, None, 64]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Nursing homes are also an option of the ranking of service areas.
        ("sykehjem", ["service-area-nursing-homes", "service-area-progress"]),
        ("SYKEHJEM", ["service-area-nursing-homes", "service-area-progress"]),
        ("nursing", ["service-area-nursing-homes", "service-area-progress"]),
        ("ØKT KVALITET", ["expected-effects", "ict-contributed-quality"]),
        ("handlingsplan", ["action-plan"]),
        ("100%", []),
    ],
)
async def test_question_search_in_both_languages_ignores_case(client, query, expected):
    response = await client.get("/api/v1/questions", params={"q": query})
    assert response.status_code == 200
    assert [item["code"] for item in response.json()["data"]] == expected


async def test_questions_by_topic(client):
    response = await client.get("/api/v1/questions", params={"topic": "service-areas"})
    assert [item["code"] for item in response.json()["data"]] == [
        "service-area-planning",
        "service-area-nursing-homes",
        "service-area-progress",
    ]


async def test_question_with_options_and_shares(client):
    response = await client.get("/api/v1/questions/expected-effects", params={"lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "multiple_choice"
    assert body["topic"] == "expected-effects"
    options = {option["code"]: option for option in body["options"]}
    assert list(options) == ["simpler-routines", "faster-processing", "better-quality"]
    assert [(s["wave"], s["value"]) for s in options["simpler-routines"]["shares"]] == [
        (2015, 23),
        (2017, 68),
    ]
    faster = options["faster-processing"]["shares"]
    assert [(s["value"], s["status"]) for s in faster] == [(None, "not_published")] * 2
    assert faster[0]["note"].startswith("Named as one of the three areas")


async def test_question_shares_filtered_by_wave(client):
    response = await client.get("/api/v1/questions/action-plan", params={"wave": "2017"})
    shares = response.json()["options"][0]["shares"]
    assert [(s["wave"], s["value"], s["source"]) for s in shares] == [(2017, 76, "pr17")]


async def test_shares_pages_cover_every_row_once(client):
    seen, url, pages = [], "/api/v1/shares?limit=5", 0
    while url:
        response = await client.get(url)
        assert response.status_code == 200
        body = response.json()
        if body["next"]:
            assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        else:
            assert "link" not in response.headers
        seen += [(r["wave"], r["question"], r["option"], r["segment"]) for r in body["data"]]
        url, pages = body["next"], pages + 1
    assert pages == 7
    assert len(seen) == len(set(seen)) == 33


async def test_shares_filtered_by_question_and_option(client):
    response = await client.get(
        "/api/v1/shares",
        params={"question": "service-area-nursing-homes", "option": "all-digital,all-paper"},
    )
    rows = response.json()["data"]
    assert [(r["option"], r["value"], r["base_n"], r["source"]) for r in rows] == [
        ("all-digital", 0.9, 113, "cw15"),
        ("all-paper", 49.6, 113, "cw15"),
    ]
    assert response.json()["next"] is None


async def test_shares_filtered_by_status_and_repeated_wave(client):
    response = await client.get(
        "/api/v1/shares", params=[("status", "qualitative"), ("wave", "2015"), ("wave", "2017")]
    )
    rows = response.json()["data"]
    areas = 6  # the ranking of service areas names six, in words only
    assert [(r["wave"], r["question"], r["value"]) for r in rows] == [
        (2015, "priority", None),
        *[(2015, "service-area-progress", None)] * areas,
        (2017, "priority", None),
        *[(2017, "service-area-progress", None)] * areas,
    ]


async def test_survey_with_waves(client):
    response = await client.get("/api/v1/surveys/kommuneundersokelsen", params={"lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["publisher"] == "EVRY with NyAnalyse"
    assert body["licence"] is None
    assert body["synthetic"] is False
    assert [(w["year"], w["respondents"], w["published_on"]) for w in body["waves"]] == [
        (2015, 113, None),
        (2016, None, None),
        (2017, None, "2018-01-24"),
    ]


@pytest.mark.parametrize(
    ("path", "codes"),
    [
        ("/api/v1/surveys", ["kommuneundersokelsen"]),
        (
            "/api/v1/topics",
            ["expected-effects", "priority", "planning", "service-quality", "service-areas"],
        ),
        ("/api/v1/segments", ["all"]),
        ("/api/v1/sources", ["cw15", "cw17", "e15", "kr18", "pr17"]),
    ],
)
async def test_lists(client, path, codes):
    response = await client.get(path)
    assert response.status_code == 200
    assert [item["code"] for item in response.json()["data"]] == codes


async def test_waves_list(client):
    response = await client.get("/api/v1/waves", params={"survey": "kommuneundersokelsen"})
    assert [w["year"] for w in response.json()["data"]] == [2015, 2016, 2017]


async def test_cors_allows_any_origin(client):
    response = await client.get("/api/v1/surveys", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = response.headers["access-control-expose-headers"].split(", ")
    assert {"ETag", "Link", "RateLimit", "Retry-After"} <= set(exposed)
    assert response.headers.get_list("vary") == ["Accept, Accept-Encoding, Accept-Language"]


async def test_an_answer_without_origin_is_the_one_a_page_gets(client):
    # The same headers with and without Origin: a shared cache keeps one copy for all.
    response = await client.get("/api/v1/surveys")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers.get_list("vary") == ["Accept, Accept-Encoding, Accept-Language"]


async def test_cors_preflight_names_what_a_page_may_send(client):
    response = await client.options(
        "/api/v1/imports",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, if-none-match",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-max-age"] == "86400"
