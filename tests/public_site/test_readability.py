from public_site.readability import check, reading_age


def test_a_plain_sentence_has_a_young_reading_age():
    assert reading_age("We want your child to get help soon. We will write to you.") <= 9


def test_long_sentences_long_words_and_jargon_are_pointed_out():
    text = (
        "The LA and ICB will facilitate multi-agency co-production with stakeholders across the "
        "neurodevelopmental pathway so that every EHCP is reviewed holistically within statutory "
        "timescales for each cohort of children and young people."
    )
    result = check(text)
    assert result.reading_age >= 16
    assert result.long_sentences and result.long_sentences[0][1] > 25
    assert "neurodevelopmental" in result.long_words
    assert {"LA", "ICB", "EHCP", "stakeholders", "cohort", "facilitate"} <= {
        word for word, _ in result.jargon
    }


def test_jargon_acronyms_match_whole_words_only():
    assert check("Land and plans.").jargon == []
