#include "tryit/generation_job.h"

#include "lora/adapter.h"
#include "lora/device.h"
#include "lora/model.h"
#include "lora/tokenizer.h"

#include <filesystem>

void GenerationWorker::run(const GenerationRequest& request)
{
    static thread_local bool threadsSet = false;
    if (!threadsSet) {  // a thread new to torch: initialise its intra-op pool
        lora::setComputeThreads(0);
        threadsSet = true;
    }
    lora::GenerationOptions options = request.options;
    options.cancel = cancel_;
    GenerationSummary base = generateInto(0, request, options);
    Q_EMIT paneFinished(base);
    if (!request.adapterFolder.isEmpty() && !cancel_->load()) {
        if (!options.seed && base.error.isEmpty())
            options.seed = base.seed;  // the same sampling seed: differences come from the adapter
        Q_EMIT paneFinished(generateInto(1, request, options));
    } else if (!request.adapterFolder.isEmpty()) {
        GenerationSummary skipped;
        skipped.pane = 1;
        skipped.stopReason = QString::fromLatin1(lora::stopReasonName(lora::StopReason::Cancelled));
        Q_EMIT paneFinished(skipped);
    }
    Q_EMIT finished();
}

GenerationSummary GenerationWorker::generateInto(int pane, const GenerationRequest& request,
                                                 lora::GenerationOptions options)
{
    GenerationSummary summary;
    summary.pane = pane;
    lora::Model& model = *request.model;
    try {
        if (!request.tokenizer)
            throw std::runtime_error(tr("This model folder has no tokenizer.json, so a text prompt cannot be "
                                        "encoded. Open a model folder that includes its tokenizer.")
                                         .toStdString());
        if (pane == 1) {
            if (!adapter_ || adapterFolder_ != request.adapterFolder || adapterModel_ != request.model) {
                adapter_.reset();
                adapter_ = lora::Adapter::load(model, std::filesystem::path(request.adapterFolder.toStdU16String()));
                adapterFolder_ = request.adapterFolder;
                adapterModel_ = request.model;
            }
            model.setAdapter(adapter_);
            model.setAdapterScale(request.adapterScale);
        } else {
            model.setAdapter(nullptr);
        }
        const auto result = lora::generate(model, *request.tokenizer, request.prompt.toStdString(), options,
                                           [this, pane](const lora::GeneratedToken& t) {
                                               if (!t.text.empty())
                                                   Q_EMIT token(pane, QString::fromStdString(t.text));
                                           });
        summary.tokens = qint64(result.tokenIds.size());
        summary.tokensPerSecond = result.tokensPerSecond;
        summary.stopReason = QString::fromLatin1(lora::stopReasonName(result.stopReason));
        summary.seed = result.seed;
    } catch (const std::exception& e) {
        summary.error = QString::fromStdString(e.what());
    }
    model.setAdapter(nullptr);  // the model goes back as it came: the base
    model.setAdapterScale(1.0);
    return summary;
}

GenerationJob::GenerationJob(QObject* parent) : QObject(parent), worker_(new GenerationWorker(&cancel_))
{
    qRegisterMetaType<GenerationSummary>("GenerationSummary");
    thread_.setObjectName("generation");
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &GenerationWorker::token, this, &GenerationJob::token, Qt::QueuedConnection);
    connect(worker_, &GenerationWorker::paneFinished, this, &GenerationJob::paneFinished, Qt::QueuedConnection);
    connect(worker_, &GenerationWorker::finished, this, [this] {
        running_ = false;
        Q_EMIT finished();
    }, Qt::QueuedConnection);
    thread_.start();
}

GenerationJob::~GenerationJob()
{
    cancel_ = true;
    thread_.quit();
    thread_.wait();
}

void GenerationJob::start(const GenerationRequest& request)
{
    if (running_)
        return;
    running_ = true;
    cancel_ = false;
    auto* w = worker_;
    QMetaObject::invokeMethod(w, [w, request] { w->run(request); }, Qt::QueuedConnection);
}

void GenerationJob::cancel() { cancel_ = true; }
