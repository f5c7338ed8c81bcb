"""GlotLID v3 and OpenLID without downloading either: train small fastText models whose label sets are
exactly the published ones (``babelbeam/filters/langid_data/*_labels.txt``), load them as ``--langid-model``,
and check
that every label lands on the right registry code, that ``--coverage`` counts merged labels once per language
they cover, and that GlotLID's renamed and merged labels (fas_Arab, cmn_Hani, yue_Hani, fil_Latn, ekk_Latn)
and a relative outside the 119 (ajp_Arab -> its parent apc_Arab) come out as documented."""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from pathlib import Path

import fasttext
import pytest

from babelbeam.filters import langid_cli
from babelbeam.filters.langid import FLAG_MERGED, LanguageIdentifier
from babelbeam.filters.langid_labels import coverage_report, emitted_codes, map_label, model_labels
from babelbeam.schemas.config import LangIdConfig
from babelbeam.schemas.languages import LANGUAGES

# Sentences written for these tests, per label. Every other label of the set is trained on tokens of its
# own (``w<index>q ...``) so the model has exactly the published labels and no two share evidence.
SENTENCES = {
    "fas_Arab": [
        "آنها هر روز به بازار شهر می روند و نان تازه می خرند",
        "دانشجویان در کتابخانه درس می خوانند و شب به خانه برمی گردند",
    ],
    "cmn_Hani": ["我们每天早上在公园里散步然后去市场买菜", "我們每天早上在公園裡散步然後去市場買菜"],
    "yue_Hani": ["佢哋今日去咗街市買餸", "我哋聽日喺屋企食飯啦"],
    "fil_Latn": [
        "ang mga bata ay naglalaro sa parke tuwing hapon",
        "bumili kami ng tinapay at gatas sa tindahan",
    ],
    "ekk_Latn": ["lapsed mängivad pärast kooli aias", "ostsime täna hommikul turult värsket leiba"],
    "ajp_Arab": ["شو بدك تعمل اليوم بعد الشغل", "هلأ رايحين عالسوق نشتري خضرة"],
    "eng_Latn": [
        "the children are playing in the garden after school",
        "we bought bread at the market today",
    ],
}
PROBES = {
    # label trained on -> (probe text, expected registry code)
    "fas_Arab": ("دانشجویان هر روز به کتابخانه شهر می روند", "pes_Arab"),
    "cmn_Hani": ("我们每天早上去市场买菜", "zho_Hans"),
    "yue_Hani": ("佢哋今日喺屋企食飯", "yue_Hant"),
    "fil_Latn": ("ang mga bata ay bumili ng tinapay sa tindahan", "tgl_Latn"),
    "ekk_Latn": ("lapsed ostsid täna turult värsket leiba", "est_Latn"),
    "ajp_Arab": ("شو بدك تشتري من السوق اليوم", "apc_Arab"),
    "eng_Latn": ("the children bought bread at the market", "eng_Latn"),
}


def _train(labels: list[str], tmp: Path, name: str) -> Path:
    rng = random.Random(7)
    lines = []
    for i, label in enumerate(labels):
        sentences = SENTENCES.get(label)
        if sentences is None:
            own = [f"w{i}q", f"w{i}r", f"w{i}s"]
            lines += [f"__label__{label} " + " ".join(rng.sample(own, 3)) for _ in range(2)]
            continue
        words = [w for s in sentences for w in (s.split() if " " in s else list(s))]
        sep = " " if " " in sentences[0] else ""
        lines += [f"__label__{label} {s}" for s in sentences]
        lines += [f"__label__{label} " + sep.join(rng.choices(words, k=rng.randint(4, 9))) for _ in range(60)]
    rng.shuffle(lines)
    train = tmp / f"{name}.txt"
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp / f"{name}.bin"
    # A fresh interpreter: fastText's trainer misbehaves after a Beam pipeline ran in this process.
    script = (
        "import fasttext, sys\n"
        "m = fasttext.train_supervised(input=sys.argv[1], epoch=15, lr=0.5, dim=8, minn=1, maxn=2,"
        " bucket=20000, thread=1, seed=7, verbose=0, loss='hs')\n"
        "m.save_model(sys.argv[2])\n"
    )
    subprocess.run([sys.executable, "-c", script, str(train), str(path)], check=True, timeout=300)
    return path


@pytest.fixture(scope="module")
def glotlid_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _train(model_labels("glotlid_v3"), tmp_path_factory.mktemp("glotlid"), "glotlid_v3")


@pytest.fixture(scope="module")
def openlid_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    labels = model_labels("openlid")
    # OpenLID calls the GlotLID-only labels by their FLORES codes: train those sentences under them.
    renamed = {
        "pes_Arab": "fas_Arab",
        "zho_Hans": "cmn_Hani",
        "yue_Hant": "yue_Hani",
        "tgl_Latn": "fil_Latn",
        "est_Latn": "ekk_Latn",
        "ajp_Arab": "ajp_Arab",
        "eng_Latn": "eng_Latn",
    }
    for flores, glot in renamed.items():
        SENTENCES.setdefault(flores, SENTENCES[glot])
    return _train(labels, tmp_path_factory.mktemp("openlid"), "openlid")


def test_label_lists_are_the_published_sets() -> None:
    glot, openlid = model_labels("glotlid_v3"), model_labels("openlid")
    assert len(glot) == len(set(glot)) == 2102 and len(openlid) == len(set(openlid)) == 201
    assert {"fas_Arab", "cmn_Hani", "yue_Hani", "fil_Latn", "ekk_Latn", "ajp_Arab"} <= set(glot)
    assert not {
        "pes_Arab",
        "prs_Arab",
        "zho_Hans",
        "zho_Hant",
        "yue_Hant",
        "tgl_Latn",
        "est_Latn",
        "acq_Arab",
    } & set(glot)
    assert set(LANGUAGES) <= set(openlid)  # OpenLID has all 119 as written
    assert sum(code in set(glot) for code in LANGUAGES) == 111


def test_glotlid_v3_label_map() -> None:
    assert emitted_codes("fas_Arab") == ("pes_Arab", "prs_Arab")
    assert emitted_codes("cmn_Hani") == ("zho_Hans", "zho_Hant")
    assert emitted_codes("yue_Hani") == ("yue_Hant",)
    assert emitted_codes("fil_Latn") == ("tgl_Latn",)
    assert emitted_codes("ekk_Latn") == ("est_Latn",)
    assert emitted_codes("ajp_Arab") == ("apc_Arab",)  # South Levantine: ISO 639-3 merged it into apc
    assert emitted_codes("cnr_Latn") == () and map_label("cnr_Latn").group == "bcms"  # Montenegrin: und
    report = coverage_report(model_labels("glotlid_v3"))
    assert report.uncovered == ["acq_Arab"]  # Ta'izzi-Adeni has no label (it comes out as arb_Arab)
    assert len(report.covered) == 118
    assert report.merged["fas_Arab"] == ["pes_Arab", "prs_Arab"]
    assert report.merged["cmn_Hani"] == ["zho_Hans", "zho_Hant"]
    assert {
        "fil_Latn": "tgl_Latn",
        "ekk_Latn": "est_Latn",
        "yue_Hani": "yue_Hant",
        "ajp_Arab": "apc_Arab",
    }.items() <= report.aliased.items()
    # Other-script labels of a registry language (srp_Latn, hin_Latn...) are read as it, the script
    # mismatch flagged: 111 as written, 2 merged, 29 read as another code, the rest outside the 119.
    assert ("srp_Latn", "srp_Cyrl") in report.aliased.items() and len(report.aliased) == 29
    assert report.outside == 2102 - 111 - 2 - 29


def test_openlid_label_map() -> None:
    report = coverage_report(model_labels("openlid"))
    assert report.covered == list(LANGUAGES) and not report.uncovered
    # Both Chinese labels reach both scripts: the characters decide, whatever the label says.
    assert report.merged == {"zho_Hans": ["zho_Hans", "zho_Hant"], "zho_Hant": ["zho_Hans", "zho_Hant"]}
    assert report.aliased == {"ajp_Arab": "apc_Arab", "bjn_Arab": "bjn_Latn"}
    assert report.outside == 201 - 119 - 2


def test_trained_glotlid_v3_model_maps_codes(glotlid_model: Path) -> None:
    model = fasttext.load_model(str(glotlid_model))
    assert sorted(label.removeprefix("__label__") for label in model.get_labels()) == sorted(
        model_labels("glotlid_v3")
    )
    lid = LanguageIdentifier.from_config(LangIdConfig(model=str(glotlid_model), min_chars=10))
    for label, (text, code) in PROBES.items():
        result = lid.identify(text)
        assert result.label == label and result.code == code, (label, result)
    persian = lid.identify(PROBES["fas_Arab"][0])
    assert FLAG_MERGED in persian.flags and persian.lang_label == "fas_Arab" and persian.group == "persian"
    # The same label with the Dari copula (astand, "they are") becomes Dari.
    dari = lid.identify("دانشجویان هر روز به کتابخانه شهر می روند زیرا دانشجو استند")
    assert dari.label == "fas_Arab" and dari.code == "prs_Arab" and FLAG_MERGED in dari.flags
    traditional = lid.identify("我們每天早上去市場買菜")
    assert traditional.label == "cmn_Hani" and traditional.code == "zho_Hant"
    assert lid.identify(PROBES["ajp_Arab"][0]).lang_label == "ajp_Arab"


def test_trained_openlid_model_maps_codes(openlid_model: Path) -> None:
    model = fasttext.load_model(str(openlid_model))
    assert sorted(label.removeprefix("__label__") for label in model.get_labels()) == sorted(
        model_labels("openlid")
    )
    lid = LanguageIdentifier.from_config(LangIdConfig(model=str(openlid_model), min_chars=10))
    expected = {
        "pes_Arab": "pes_Arab",
        "zho_Hans": "zho_Hans",
        "yue_Hant": "yue_Hant",
        "tgl_Latn": "tgl_Latn",
        "est_Latn": "est_Latn",
        "ajp_Arab": "apc_Arab",
        "eng_Latn": "eng_Latn",
    }
    probes = {
        "pes_Arab": PROBES["fas_Arab"][0],
        "zho_Hans": PROBES["cmn_Hani"][0],
        "yue_Hant": PROBES["yue_Hani"][0],
        "tgl_Latn": PROBES["fil_Latn"][0],
        "est_Latn": PROBES["ekk_Latn"][0],
        "ajp_Arab": PROBES["ajp_Arab"][0],
        "eng_Latn": PROBES["eng_Latn"][0],
    }
    for label, text in probes.items():
        result = lid.identify(text)
        assert result.label == label and result.code == expected[label], (label, result)


def test_cli_coverage_counts_merged_labels(glotlid_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    langid_cli.add_arguments(parser)
    assert langid_cli.main(parser.parse_args(["--coverage", "--langid-model", str(glotlid_model)])) == 0
    out = capsys.readouterr().out
    assert "(2102 labels)" in out and "Covered (118 of 119)" in out and "Not covered (1): acq_Arab" in out
    assert "fas_Arab -> pes_Arab, prs_Arab" in out and "cmn_Hani -> zho_Hans, zho_Hant" in out
    assert "fil_Latn -> tgl_Latn" in out and "ekk_Latn -> est_Latn" in out and "cnr_Latn" in out
