#include "tryit/try_page.h"

#include "data/message_banner.h"
#include "tryit/adapter_scale_slider.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTextCursor>
#include <QVBoxLayout>

#include <limits>

TryPage::TryPage(QWidget* parent)
    : QWidget(parent),
      banner_(new MessageBanner),
      prompt_(new QPlainTextEdit),
      generate_(new QPushButton(tr("Generate"))),
      cancel_(new QPushButton(tr("Cancel"))),
      exportGguf_(new QPushButton(tr("Export for llama.cpp…"))),
      maxTokens_(new QSpinBox),
      greedy_(new QCheckBox(tr("Greedy (always the most likely token)"))),
      temperature_(new QDoubleSpinBox),
      topK_(new QSpinBox),
      topP_(new QDoubleSpinBox),
      repetition_(new QDoubleSpinBox),
      seed_(new QSpinBox),
      adapterScale_(new AdapterScaleSlider),
      modelLabel_(new QLabel),
      adapterLabel_(new QLabel)
{
    banner_->setObjectName("messageLabel");
    prompt_->setObjectName("promptEdit");
    prompt_->setPlaceholderText(tr("Type a prompt, e.g. the start of an example from your dataset."));
    prompt_->setMaximumHeight(fontMetrics().lineSpacing() * 8 + 12);
    prompt_->setToolTip(tr("Encoded with the model's tokenizer (special tokens added) and continued by both models."));
    generate_->setObjectName("generateButton");
    cancel_->setObjectName("cancelButton");
    auto* generateAction = new QAction(tr("Generate"), this);
    generateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    generateAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(generateAction);
    connect(generateAction, &QAction::triggered, this, &TryPage::generate);
    generate_->setToolTip(tr("Generate with the base model, then with the adapter (Ctrl+Return)"));
    cancel_->setToolTip(tr("Stop generating before the next token"));
    connect(generate_, &QPushButton::clicked, this, &TryPage::generate);
    connect(cancel_, &QPushButton::clicked, this, &TryPage::cancel);

    maxTokens_->setObjectName("maxTokensSpin");
    maxTokens_->setRange(1, 4096);
    maxTokens_->setValue(64);
    maxTokens_->setToolTip(tr("Generation stops after this many new tokens, or earlier at an end-of-sequence token."));
    greedy_->setObjectName("greedyCheck");
    greedy_->setToolTip(tr("Greedy decoding is deterministic: both panes then differ only because of the adapter."));
    temperature_->setRange(0.01, 5);
    temperature_->setSingleStep(0.1);
    temperature_->setValue(0.8);
    temperature_->setToolTip(tr("<b>Temperature</b> divides the logits: below 1 sharpens the distribution (safer "
                                "text), above 1 flattens it (more surprising text)."));
    topK_->setRange(0, 100000);
    topK_->setValue(50);
    topK_->setSpecialValueText(tr("off"));
    topK_->setToolTip(tr("<b>Top-k</b>: sample only among the k most likely tokens. 0 turns it off."));
    topP_->setRange(0.01, 1);
    topP_->setSingleStep(0.05);
    topP_->setValue(0.95);
    topP_->setToolTip(tr("<b>Top-p</b> (nucleus): sample among the fewest tokens whose probabilities add up to p. 1 turns it off."));
    repetition_->setRange(0.5, 3);
    repetition_->setSingleStep(0.05);
    repetition_->setValue(1.0);
    repetition_->setToolTip(tr("<b>Repetition penalty</b>: above 1 makes tokens already in the text less likely."));
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setSpecialValueText(tr("random"));
    seed_->setToolTip(tr("<b>Seed</b> of the sampler; both panes use the same one. 0 picks a new one each time."));
    connect(greedy_, &QCheckBox::toggled, this, &TryPage::updateControls);

    auto* settings = new QGroupBox(tr("Decoding"));
    auto* form = new QFormLayout(settings);
    form->addRow(tr("Max new tokens:"), maxTokens_);
    form->addRow(greedy_);
    form->addRow(tr("Temperature:"), temperature_);
    form->addRow(tr("Top-k:"), topK_);
    form->addRow(tr("Top-p:"), topP_);
    form->addRow(tr("Repetition penalty:"), repetition_);
    form->addRow(tr("Seed:"), seed_);
    form->addRow(tr("Adapter scale:"), adapterScale_);

    auto* loadAdapter = new QPushButton(tr("Load PEFT folder…"));
    loadAdapter->setObjectName("loadAdapterButton");
    loadAdapter->setToolTip(tr("Compare against an adapter saved earlier (a folder with adapter_config.json and "
                               "adapter_model.safetensors) made for this base model."));
    connect(loadAdapter, &QPushButton::clicked, this, &TryPage::chooseAdapterFolder);
    modelLabel_->setWordWrap(true);
    adapterLabel_->setObjectName("adapterLabel");
    adapterLabel_->setWordWrap(true);
    adapterLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* sources = new QGroupBox(tr("Compare"));
    auto* sourcesLayout = new QVBoxLayout(sources);
    sourcesLayout->addWidget(modelLabel_);
    sourcesLayout->addWidget(adapterLabel_);
    sourcesLayout->addWidget(loadAdapter);
    exportGguf_->setObjectName("exportGgufButton");
    exportGguf_->setToolTip(
        tr("<p>Write this adapter as a llama.cpp LoRA file (GGUF, Ctrl+Shift+E). Convert the base model with "
           "llama.cpp's convert_hf_to_gguf.py, then run <code>llama-cli -m base.gguf --lora adapter.gguf</code> "
           "(<code>--lora-scaled adapter.gguf 0.5</code> for half strength).</p><p>Llama, Mistral, Qwen2 and "
           "GPT-2 adapters; DoRA and adapters with fully trained modules cannot be expressed in llama.cpp's "
           "format and are refused with the reason. F16 halves the file.</p>"));
    auto* exportAction = new QAction(this);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(exportAction);
    connect(exportAction, &QAction::triggered, this, [this] {
        if (exportGguf_->isEnabled())
            chooseGgufFile();
    });
    connect(exportGguf_, &QPushButton::clicked, this, &TryPage::chooseGgufFile);
    connect(&ggufJob_, &GgufExportJob::finished, this, &TryPage::onGgufExported);
    sourcesLayout->addWidget(exportGguf_);

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 4, 0);
    leftLayout->addWidget(sources);
    leftLayout->addWidget(settings);
    leftLayout->addStretch(1);
    left->setFixedWidth(std::max(300, left->sizeHint().width()));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(generate_);
    buttons->addWidget(cancel_);
    buttons->addStretch(1);

    auto* split = new QSplitter(Qt::Horizontal);
    const QString titles[2] = {tr("Base model"), tr("With the adapter")};
    for (int pane = 0; pane < 2; ++pane) {
        auto* box = new QGroupBox(titles[pane]);
        auto* layout = new QVBoxLayout(box);
        panes_[pane] = new QPlainTextEdit;
        panes_[pane]->setObjectName(pane == 0 ? "baseOutput" : "adapterOutput");
        panes_[pane]->setReadOnly(true);
        paneStats_[pane] = new QLabel;
        paneStats_[pane]->setObjectName(pane == 0 ? "baseStats" : "adapterStats");
        paneStats_[pane]->setForegroundRole(QPalette::PlaceholderText);
        paneStats_[pane]->setWordWrap(true);
        layout->addWidget(panes_[pane], 1);
        layout->addWidget(paneStats_[pane]);
        split->addWidget(box);
    }
    panes_[0]->setPlaceholderText(tr("The base model's continuation appears here."));
    panes_[1]->setPlaceholderText(tr("The continuation with the adapter appears here. Train one on the Train page "
                                     "or load a PEFT folder."));

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(banner_);
    rightLayout->addWidget(new QLabel(tr("Prompt:")));
    rightLayout->addWidget(prompt_);
    rightLayout->addLayout(buttons);
    rightLayout->addWidget(split, 1);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(left);
    layout->addWidget(right, 1);

    connect(&job_, &GenerationJob::token, this, &TryPage::onToken);
    connect(&job_, &GenerationJob::paneFinished, this, &TryPage::onPaneFinished);
    connect(&job_, &GenerationJob::finished, this, &TryPage::onFinished);
    setModel(nullptr, nullptr, {});
    setAdapterFolder({});
}

void TryPage::setModel(std::shared_ptr<lora::Model> model, std::shared_ptr<const lora::Tokenizer> tokenizer,
                       const QString& folder)
{
    model_ = std::move(model);
    tokenizer_ = std::move(tokenizer);
    modelFolder_ = folder;
    modelLabel_->setText(model_ ? tr("<b>Base:</b> %1").arg(QDir::toNativeSeparators(folder).toHtmlEscaped())
                                : tr("<b>Base:</b> no model loaded"));
    modelLabel_->setToolTip(QDir::toNativeSeparators(folder));
    updateControls();
}

void TryPage::setAdapterFolder(const QString& folder, const QString& origin)
{
    adapterFolder_ = folder;
    if (folder.isEmpty())
        adapterLabel_->setText(tr("<b>Adapter:</b> none yet — train one, or load a PEFT folder."));
    else
        adapterLabel_->setText(tr("<b>Adapter%1:</b> %2")
                                   .arg(origin.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(origin.toHtmlEscaped()),
                                        QDir::toNativeSeparators(folder).toHtmlEscaped()));
    adapterLabel_->setToolTip(QDir::toNativeSeparators(folder));
    updateControls();
}

void TryPage::chooseGgufFile()
{
    QSettings settings;
    const QString f32Filter = tr("llama.cpp LoRA, F32 (*.gguf)");
    const QString f16Filter = tr("llama.cpp LoRA, F16 (*.gguf)");
    QString filter = settings.value("tryit/ggufFilter", f32Filter).toString();
    const QString start = QDir(settings.value("tryit/lastGgufFolder", adapterFolder_).toString())
                              .filePath(QFileInfo(adapterFolder_).fileName() + ".gguf");
    QString file = QFileDialog::getSaveFileName(this, tr("Export Adapter for llama.cpp"), start,
                                                f32Filter + ";;" + f16Filter, &filter);
    if (file.isEmpty())
        return;
    if (QFileInfo(file).suffix().isEmpty())
        file += ".gguf";
    settings.setValue("tryit/lastGgufFolder", QFileInfo(file).absolutePath());
    settings.setValue("tryit/ggufFilter", filter);
    exportGguf(file, filter == f16Filter);
}

void TryPage::exportGguf(const QString& file, bool f16)
{
    if (!model_ || adapterFolder_.isEmpty() || ggufJob_.isRunning())
        return;
    banner_->clearMessage();
    ggufJob_.start(model_, adapterFolder_, file, f16);
    updateControls();
}

void TryPage::onGgufExported(const GgufExportResult& result)
{
    if (result.error.isEmpty())
        banner_->showMessage(MessageBanner::Kind::Info,
                             tr("Wrote %1: %2. Load it with <code>llama-cli -m base.gguf --lora %3</code>.")
                                 .arg(QDir::toNativeSeparators(result.file).toHtmlEscaped(), result.summary.toHtmlEscaped(),
                                      QFileInfo(result.file).fileName().toHtmlEscaped()));
    else
        banner_->showError(result.error);
    updateControls();
    Q_EMIT exportGgufFinished(result);
}

void TryPage::chooseAdapterFolder()
{
    QSettings settings;
    const QString start = settings.value("tryit/lastAdapterFolder", adapterFolder_).toString();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open PEFT Adapter Folder"), start);
    if (folder.isEmpty())
        return;
    if (!QFileInfo::exists(QDir(folder).filePath("adapter_config.json"))) {
        banner_->showError(tr("%1 has no adapter_config.json. Choose the folder that holds adapter_config.json and "
                              "adapter_model.safetensors.").arg(QDir::toNativeSeparators(folder)));
        return;
    }
    settings.setValue("tryit/lastAdapterFolder", folder);
    banner_->clearMessage();
    setAdapterFolder(folder, tr("loaded"));
}

void TryPage::setPrompt(const QString& prompt) { prompt_->setPlainText(prompt); }
void TryPage::setGreedy(bool greedy) { greedy_->setChecked(greedy); }
void TryPage::setMaxNewTokens(int tokens) { maxTokens_->setValue(tokens); }
void TryPage::setAdapterScale(double scale) { adapterScale_->setValue(scale); }
QString TryPage::baseText() const { return panes_[0]->toPlainText(); }
QString TryPage::adapterText() const { return panes_[1]->toPlainText(); }

void TryPage::generate()
{
    if (job_.isRunning() || ggufJob_.isRunning())
        return;
    if (!model_) {
        banner_->showError(tr("Load a model first (File → Open Model Folder…)."));
        return;
    }
    if (prompt_->toPlainText().trimmed().isEmpty()) {
        banner_->showError(tr("Type a prompt first."));
        return;
    }
    banner_->clearMessage();
    GenerationRequest request;
    request.model = model_;
    request.tokenizer = tokenizer_;
    request.adapterFolder = adapterFolder_;
    request.prompt = prompt_->toPlainText();
    request.adapterScale = adapterScale_->value();
    auto& o = request.options;
    o.maxNewTokens = maxTokens_->value();
    o.greedy = greedy_->isChecked();
    o.temperature = temperature_->value();
    o.topK = topK_->value();
    o.topP = topP_->value();
    o.repetitionPenalty = repetition_->value();
    if (seed_->value() > 0)
        o.seed = quint64(seed_->value());
    for (int pane = 0; pane < 2; ++pane) {
        panes_[pane]->clear();
        paneStats_[pane]->clear();
    }
    if (adapterFolder_.isEmpty())
        paneStats_[1]->setText(tr("No adapter to compare with."));
    paneStats_[0]->setText(tr("Generating…"));
    job_.start(request);
    updateControls();
}

void TryPage::cancel() { job_.cancel(); }

void TryPage::onToken(int pane, const QString& text)
{
    QPlainTextEdit* edit = panes_[pane];
    QTextCursor cursor(edit->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text);
    if (pane == 1 && paneStats_[1]->text().isEmpty())
        paneStats_[1]->setText(tr("Generating…"));
}

void TryPage::onPaneFinished(const GenerationSummary& s)
{
    QLabel* stats = paneStats_[s.pane];
    if (!s.error.isEmpty()) {
        stats->setText(tr("Could not generate."));
        banner_->showError(s.pane == 1 ? tr("The adapter could not be used: %1").arg(s.error) : s.error);
        return;
    }
    QString text = tr("%1 tokens · %2 tokens/s · stopped by %3")
                       .arg(s.tokens)
                       .arg(QLocale().toString(s.tokensPerSecond, 'f', 0), s.stopReason);
    if (!greedy_->isChecked())
        text += tr(" · seed %1").arg(s.seed);  // greedy decoding has no randomness to repeat
    stats->setText(text);
    if (s.pane == 0 && !adapterFolder_.isEmpty())
        paneStats_[1]->setText(tr("Generating…"));
}

void TryPage::onFinished()
{
    updateControls();
    Q_EMIT generationFinished();
}

void TryPage::updateControls()
{
    const bool running = job_.isRunning();
    // An export reads the base model's modules while it loads the adapter: no generation attaches one meanwhile.
    generate_->setEnabled(!running && !ggufJob_.isRunning() && model_ != nullptr);
    cancel_->setEnabled(running);
    exportGguf_->setEnabled(!running && !ggufJob_.isRunning() && model_ != nullptr && !adapterFolder_.isEmpty());
    const bool sampling = !greedy_->isChecked();
    for (QWidget* w : std::initializer_list<QWidget*>{temperature_, topK_, topP_, seed_})
        w->setEnabled(sampling);
}
