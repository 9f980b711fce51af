"""Bar charts: bars scale to the largest value, series stand side by side, and the
drawing macro writes one rectangle per value with its label and a legend."""

from linli.web.charts import HEIGHT, TOP, bar_chart


def test_the_tallest_bar_fills_the_chart_and_the_rest_scale():
    chart = bar_chart([("meals", [10, 5, 0])], ["1", "2", "3"])
    heights = [bar["h"] for bar in chart["bars"]]
    assert heights == [HEIGHT - TOP, (HEIGHT - TOP) / 2, 0]
    assert [bar["y"] + bar["h"] for bar in chart["bars"]] == [HEIGHT] * 3  # one baseline


def test_series_stand_side_by_side_within_their_label():
    chart = bar_chart([("issued", [4, 2]), ("redeemed", [1, 3])], ["Jan", "Feb"])
    jan = [bar for bar in chart["bars"] if bar["label"] == "Jan"]
    assert [bar["series"] for bar in jan] == [0, 1]
    assert jan[0]["x"] + jan[0]["w"] <= jan[1]["x"] < chart["width"] / 2
    assert chart["series"] == ["issued", "redeemed"]


def test_ticks_can_be_thinned_and_empty_data_draws_nothing():
    chart = bar_chart([("meals", list(range(30)))], [str(d) for d in range(1, 31)], tick_every=5)
    assert [tick["label"] for tick in chart["ticks"]] == ["1", "6", "11", "16", "21", "26"]
    empty = bar_chart([("meals", [])], [])
    assert empty["bars"] == [] and empty["peak"] == 1


def test_the_macro_draws_each_bar_with_a_title_and_a_legend(linli_app):
    chart = bar_chart([("发放", [3]), ("兑换", [1])], ["1月"])
    template = linli_app.template_engine.engine.from_string(
        '{% from "core:charts.html" import bar_chart %}{{ bar_chart(chart, "积分") }}'
    )
    html = template.render(chart=chart)
    assert html.count("<rect") == 2
    assert "<title>1月: 发放 3</title>" in html and 'aria-label="积分"' in html
    assert 'class="chart-legend"' in html


def test_values_are_written_on_wide_bars_and_a_target_is_a_line(linli_app):
    chart = bar_chart([("closed", [78, 40])], ["2025", "2026"], target=(80, "80%"))
    assert chart["values"] and chart["peak"] == 80
    assert chart["target"]["y"] == HEIGHT - (HEIGHT - TOP)  # the target is the top here
    template = linli_app.template_engine.engine.from_string(
        '{% from "core:charts.html" import bar_chart, rate_bar %}'
        '{{ bar_chart(chart, "x") }}{{ rate_bar("78", "80", "y") }}'
    )
    html = template.render(chart=chart)
    assert '<text class="chart-value"' in html and ">78</text>" in html
    assert 'class="chart-target"' in html and ">80%</text>" in html
    # 31 days side by side leave no room for their values: the table beside has them
    assert not bar_chart([("meals", list(range(31)))], [str(d) for d in range(31)])["values"]
