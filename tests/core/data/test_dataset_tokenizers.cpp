// The dataset paths with real tokenizers (fixtures made by the `tokenizers` package): EOS detection,
// exact loss masks on BPE token boundaries, one BOS per document, and [CLS]/[SEP] kept on truncation.
#include "test_support.h"

#include "lora/dataset.h"

using namespace testdata;

namespace {

std::shared_ptr<const lora::Tokenizer> fixture(const char* name)
{
    return lora::Tokenizer::fromFile(fs::path(LORA_FIXTURES_DIR) / "tokenizers" / name / "tokenizer.json");
}

// The learned ids of an example, in order.
std::vector<int32_t> learned(const lora::Example& ex)
{
    std::vector<int32_t> out;
    for (int32_t label : ex.labels)
        if (label != lora::kIgnoreIndex) out.push_back(label);
    return out;
}

}  // namespace

class TestDatasetTokenizers final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(dir_.isValid()); }

    void byteLevelInstructionAndChat()
    {
        const auto tokenizer = fixture("gpt2_bytelevel");
        const auto eos = tokenizer->tokenToId("<|endoftext|>");
        QVERIFY(eos);
        QCOMPARE(lora::findEosToken(*tokenizer), eos);

        const auto file = writeFile(dir_, "mixed.jsonl",
            R"({"instruction": "Name a colour", "input": "warm", "output": "Red, like the sun."})" "\n"
            R"({"messages": [{"role": "user", "content": "Say lora"}, {"role": "assistant", "content": "lora studio"}]})" "\n");
        const lora::Dataset ds = lora::loadDataset(file, *tokenizer);
        QCOMPARE(ds.eosId, eos);
        QCOMPARE(ds.examples.size(), size_t(2));

        const auto& alpaca = ds.examples[0];
        const auto prompt = tokenizer->encode("### Instruction:\nName a colour\n\n### Input:\nwarm\n\n### Response:\n", true);
        const auto output = tokenizer->encode("Red, like the sun.", false);
        COMPARE_IDS(alpaca.inputIds, concat({prompt, output, {*eos}}));
        COMPARE_IDS(alpaca.labels, concat({masked(prompt.size()), output, {*eos}}));
        const auto reply = learned(alpaca);
        QCOMPARE(tokenizer->decode(reply), std::string("Red, like the sun."));
        QCOMPARE(reply.back(), *eos);

        const auto& chat = ds.examples[1];
        const auto answer = learned(chat);
        QCOMPARE(tokenizer->decode(answer, false), std::string("lora studio\n<|endoftext|>"));
        QCOMPARE(tokenizer->decode(chat.inputIds, false),
                 std::string("<|user|>\nSay lora\n<|assistant|>\nlora studio\n<|endoftext|>"));
    }

    void sentencePieceTextPacking()
    {
        const auto tokenizer = fixture("llama2_sentencepiece");
        const auto bos = tokenizer->tokenToId("<s>");
        const auto eos = tokenizer->tokenToId("</s>");
        QVERIFY(bos && eos);
        QCOMPARE(lora::findEosToken(*tokenizer), eos);

        const auto file = writeFile(dir_, "docs.txt", "The first document.\n\nThe second one\nhas two lines.\n");
        lora::DatasetOptions options;
        options.textDocuments = lora::TextDocuments::BlankLines;
        const lora::Dataset ds = lora::loadDataset(file, *tokenizer, options);
        QCOMPARE(ds.examples.size(), size_t(1));
        const auto expected = concat({tokenizer->encode("The first document.", true), {*eos},
                                      tokenizer->encode("The second one\nhas two lines.", true), {*eos}});
        COMPARE_IDS(ds.examples[0].inputIds, expected);
        QCOMPARE(std::count(expected.begin(), expected.end(), *bos), 2);
        QCOMPARE(expected.front(), *bos);
    }

    void wordPieceClassificationTruncation()
    {
        const auto tokenizer = fixture("bert_uncased");
        const auto cls = tokenizer->tokenToId("[CLS]");
        const auto sep = tokenizer->tokenToId("[SEP]");
        QVERIFY(cls && sep);
        const auto file = writeFile(dir_, "reviews.csv",
                                    "text,label\n\"A long review, with many words that go on and on.\",pos\nShort.,neg\n");
        lora::DatasetOptions options;
        options.maxLength = 6;
        const lora::Dataset ds = lora::loadDataset(file, *tokenizer, options);
        QCOMPARE(ds.examples.size(), size_t(2));
        const auto& cut = ds.examples[0];
        QVERIFY(cut.truncated);
        QCOMPARE(cut.inputIds.size(), size_t(6));
        QCOMPARE(cut.inputIds.front(), *cls);
        QCOMPARE(cut.inputIds.back(), *sep);
        const auto plain = tokenizer->encode("A long review, with many words that go on and on.", false);
        COMPARE_IDS(std::vector<int32_t>(cut.inputIds.begin() + 1, cut.inputIds.end() - 1),
                    std::vector<int32_t>(plain.begin(), plain.begin() + 4));
        COMPARE_IDS(ds.examples[1].inputIds, tokenizer->encode("Short.", true));
        QVERIFY(!ds.examples[1].truncated);
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestDatasetTokenizers)
#include "test_dataset_tokenizers.moc"
