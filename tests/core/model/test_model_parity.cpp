// Logits of every fixture model against the ones transformers computed (tests/fixtures/model_fixtures.py),
// parameter counts and module names against transformers', and the checkpoint layouts the loader accepts.
#include "engine/model_impl.h"
#include "lora/error.h"
#include "lora/model.h"
#include "model_test_support.h"

#include <torch/torch.h>

#include <cmath>

using namespace lora;
using lora::test::fixtureModel;

namespace {

constexpr double kTolerance = 1e-4;

struct Reference {
    std::vector<int64_t> inputIds;
    std::vector<int64_t> logitsShape;
    std::vector<float> logits;
    std::shared_ptr<const SafetensorsFile> file;
};

template <typename T>
std::vector<T> values(const SafetensorsFile& f, const std::string& name, DType dtype, std::vector<int64_t>* shape = nullptr)
{
    const auto* info = f.find(name);
    if (!info || info->dtype != dtype)
        throw std::runtime_error(f.path().string() + ": no " + dtypeName(dtype) + " tensor " + name);
    const auto bytes = f.bytes(*info);
    std::vector<T> out(bytes.size() / sizeof(T));
    std::memcpy(out.data(), bytes.data(), bytes.size());
    if (shape)
        *shape = info->shape;
    return out;
}

Reference reference(const std::string& fixture)
{
    Reference r;
    r.file = SafetensorsFile::open(test::fixtureReference(fixture) / "reference.safetensors");
    r.inputIds = values<int64_t>(*r.file, "input_ids", DType::I64);
    r.logits = values<float>(*r.file, "logits", DType::F32, &r.logitsShape);
    return r;
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b)
{
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(static_cast<double>(a[i]) - b[i]));
    return worst;
}

double maxAbs(const std::vector<float>& a)
{
    double worst = 0;
    for (float x : a)
        worst = std::max(worst, std::abs(static_cast<double>(x)));
    return worst;
}

torch::Tensor toTorch(const SafetensorsFile& f, const std::string& name)
{
    const auto* info = f.find(name);
    const auto type = info->dtype == DType::I64 ? torch::kInt64 : torch::kFloat32;
    const auto bytes = f.bytes(*info);
    auto t = torch::empty(info->shape, torch::TensorOptions().dtype(type));
    std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
    return t;
}

bool throwsError(const std::function<void()>& f)
{
    try {
        f();
    } catch (const lora::Error&) {
        return true;
    }
    return false;
}

const char* const kAllFixtures[] = {"gpt2",  "llama",     "llama_tied", "qwen2",       "mistral",
                                    "bert",  "gpt2_bf16", "llama_f16",  "gpt2_sharded"};

}  // namespace

class TestModelParity final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void logitsMatchTransformers_data()
    {
        QTest::addColumn<QString>("fixture");
        for (const char* name : kAllFixtures)
            QTest::newRow(name) << QString(name);
    }

    void logitsMatchTransformers()
    {
        QFETCH(QString, fixture);
        const auto ref = reference(fixture.toStdString());
        const auto model = Model::load(fixtureModel(fixture.toStdString()));
        const auto out = model->logits(ref.inputIds);
        QCOMPARE(out.shape, ref.logitsShape);
        QVERIFY(maxAbs(ref.logits) > 0.1);  // a vacuous reference would compare anything equal
        const double diff = maxAbsDiff(out.values, ref.logits);
        qInfo("%s: max |logits - transformers| = %.3g", qPrintable(fixture), diff);
        QVERIFY2(diff <= kTolerance, qPrintable(QString("max |diff| %1 > %2").arg(diff).arg(kTolerance)));
    }

    void descriptionMatchesTransformers_data() { logitsMatchTransformers_data(); }

    void descriptionMatchesTransformers()
    {
        QFETCH(QString, fixture);
        const auto dir = fixtureModel(fixture.toStdString());
        const auto expected = nlohmann::json::parse(test::readText(test::fixtureReference(fixture.toStdString()) / "description.json"));
        const auto model = Model::load(dir);
        const auto& d = model->description();
        QCOMPARE(d.totalParameters, expected.at("total_parameters").get<int64_t>());
        QVERIFY2(d.warnings.empty(), d.warnings.empty() ? "" : d.warnings.front().c_str());
        QVERIFY(d.numLayers == 2);
        // Every module transformers has with parameters under it, in transformers' order, by name, type and
        // shape; and no other modules.
        const auto& modules = expected.at("modules");
        QCOMPARE(d.modules.size(), modules.size());
        for (size_t i = 0; i < modules.size(); ++i) {
            QCOMPARE(d.modules[i].name, modules[i].at("name").get<std::string>());
            QCOMPARE(d.modules[i].type, modules[i].at("type").get<std::string>());
            QCOMPARE(d.modules[i].weightShape, modules[i].at("shape").get<std::vector<int64_t>>());
        }
    }

    void tiedHeadSharesTheEmbedding()
    {
        const auto tied = Model::load(fixtureModel("gpt2"));
        QVERIFY(tied->description().tiedEmbeddings);
        const auto& modules = tied->description().modules;
        const auto head = std::find_if(modules.begin(), modules.end(), [](const ModuleInfo& m) { return m.name == "lm_head"; });
        QVERIFY(head != modules.end());
        QCOMPARE(head->tiedTo, std::string("transformer.wte"));
        QCOMPARE(tied->impl().network->named_parameters()["lm_head.weight"].data_ptr(),
                 tied->impl().network->named_parameters()["transformer.wte.weight"].data_ptr());

        const auto untied = Model::load(fixtureModel("llama"));
        QVERIFY(!untied->description().tiedEmbeddings);
        for (const auto& m : untied->description().modules)
            QVERIFY2(m.tiedTo.empty(), m.name.c_str());
    }

    // Right-padded batches through the network itself: padding must not change the real tokens' logits.
    void paddedBatchMatchesTransformers_data()
    {
        QTest::addColumn<QString>("fixture");
        for (const char* name : {"gpt2", "llama", "llama_tied", "qwen2", "mistral", "bert"})
            QTest::newRow(name) << QString(name);
    }

    void paddedBatchMatchesTransformers()
    {
        QFETCH(QString, fixture);
        const auto ref = SafetensorsFile::open(test::fixtureReference(fixture.toStdString()) / "reference.safetensors");
        const auto ids = toTorch(*ref, "batch_input_ids");
        const auto mask = toTorch(*ref, "batch_attention_mask");
        const auto expected = toTorch(*ref, "batch_logits");
        const auto model = Model::load(fixtureModel(fixture.toStdString()));
        c10::InferenceMode inference;
        const auto out = model->impl().network->forward(ids, mask);
        QCOMPARE(out.sizes().vec(), expected.sizes().vec());
        torch::Tensor diff = (out - expected).abs();
        if (out.dim() == 3)  // causal LM: padded positions' logits are meaningless in both
            diff = diff * mask.unsqueeze(-1).to(torch::kFloat32);
        const double worst = diff.max().item<double>();
        qInfo("%s batch: max |logits - transformers| = %.3g", qPrintable(fixture), worst);
        QVERIFY2(worst <= kTolerance, qPrintable(QString("max |diff| %1").arg(worst)));
        // The unpadded row agrees with the same tokens run alone.
        const auto alone = model->impl().network->forward(ids.narrow(0, 0, 1));
        QVERIFY((alone - out.narrow(0, 0, 1)).abs().max().item<double>() <= kTolerance);
    }

    // Old GPT-2 checkpoints store the base model's tensors without "transformer.".
    void checkpointWithoutBasePrefixLoads()
    {
        QTemporaryDir tmp;
        const auto dir = test::copyFixture("gpt2", tmp);
        test::rewriteCheckpoint(dir, [](test::RewrittenTensor t) -> std::optional<test::RewrittenTensor> {
            if (t.name.rfind("transformer.", 0) == 0)
                t.name = t.name.substr(12);
            return t;
        });
        QVERIFY(!SafetensorsFile::open(dir / "model.safetensors")->find("transformer.wte.weight"));
        const auto ref = reference("gpt2");
        const auto model = Model::load(dir);
        QVERIFY(model->description().warnings.empty());
        QVERIFY(maxAbsDiff(model->logits(ref.inputIds).values, ref.logits) <= kTolerance);
    }

    // A bare BertModel checkpoint: no "bert." prefix, no classifier. It loads with a new classifier, and says so.
    void bertBaseCheckpointGetsNewClassifier()
    {
        QTemporaryDir tmp;
        const auto dir = test::copyFixture("bert", tmp);
        test::rewriteCheckpoint(dir, [](test::RewrittenTensor t) -> std::optional<test::RewrittenTensor> {
            if (t.name.rfind("classifier.", 0) == 0)
                return std::nullopt;
            t.name = t.name.substr(5);
            return t;
        });
        const auto ref = reference("bert");
        const auto model = Model::load(dir);
        const auto& warnings = model->description().warnings;
        QCOMPARE(warnings.size(), size_t(1));
        QVERIFY2(warnings[0].find("classifier.weight") != std::string::npos, warnings[0].c_str());
        QVERIFY2(warnings[0].find("newly initialised") != std::string::npos, warnings[0].c_str());
        const auto out = model->logits(ref.inputIds);
        QCOMPARE(out.shape, (std::vector<int64_t>{1, 3}));
        for (float x : out.values)
            QVERIFY(std::isfinite(x));
        QVERIFY(maxAbsDiff(out.values, ref.logits) > kTolerance);  // the head is new, so the logits differ
        // Seeded: the same folder loads to the same head.
        QCOMPARE(Model::load(dir)->logits(ref.inputIds).values, out.values);
    }

    // Reduced precision: same network, so logits stay close to fp32 at bf16/fp16's resolution.
    void loadsInReducedPrecision_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("dtype");
        QTest::newRow("gpt2 bfloat16") << "gpt2" << "bfloat16";
        QTest::newRow("llama float16") << "llama" << "float16";
        QTest::newRow("llama_f16 bfloat16") << "llama_f16" << "bfloat16";
    }

    void loadsInReducedPrecision()
    {
        QFETCH(QString, fixture);
        QFETCH(QString, dtype);
        const auto ref = reference(fixture.toStdString());
        const auto model = Model::load(fixtureModel(fixture.toStdString()), {"cpu", dtype.toStdString()});
        QCOMPARE(model->impl().network->parameters().front().scalar_type(), modelDtype(dtype.toStdString()));
        const auto out = model->logits(ref.inputIds);
        const double diff = maxAbsDiff(out.values, ref.logits);
        qInfo("%s as %s: max |diff| = %.3g (max |logit| %.3g)", qPrintable(fixture), qPrintable(dtype), diff,
              maxAbs(ref.logits));
        QVERIFY(diff <= 0.05 * maxAbs(ref.logits));
    }

    void loadsOnCudaWhenAvailable()
    {
        if (!torch::cuda::is_available())
            QSKIP("no CUDA device");
        for (const char* name : kAllFixtures) {
            const auto ref = reference(name);
            const auto model = Model::load(fixtureModel(name), {"cuda", "float32"});
            QCOMPARE(model->options().device, std::string("cuda:0"));
            const double diff = maxAbsDiff(model->logits(ref.inputIds).values, ref.logits);
            qInfo("%s on cuda: max |diff| = %.3g", name, diff);
            QVERIFY2(diff <= kTolerance, name);
        }
    }

    void rejectsBadInputs()
    {
        const auto model = Model::load(fixtureModel("gpt2"));
        QVERIFY(throwsError([&] { model->logits({}); }));
        QVERIFY(throwsError([&] { model->logits({1, 2, model->description().vocabSize}); }));
        QVERIFY(throwsError([&] { model->logits(std::vector<int64_t>(65, 1)); }));  // n_positions is 64
        QVERIFY(throwsError([&] { Model::load(fixtureModel("gpt2"), {"cpu", "int8"}); }));
    }
};

QTEST_GUILESS_MAIN(TestModelParity)
#include "test_model_parity.moc"
