#include "data/data_page.h"
#include "plural.h"

#include "data/bundled_datasets.h"
#include "recent_list.h"
#include "data/length_histogram.h"
#include "data/message_banner.h"
#include "data/stat_tile.h"
#include "data/token_html.h"

#include "lora/tokenizer.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

#include <limits>

namespace {

constexpr int kPreviewExamples = 500;  // the list stays quick; statistics cover every example
const QStringList kDatasetSuffixes{"txt", "md", "jsonl", "ndjson", "json", "csv", "tsv"};

QString count(int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

QString formatTitle(lora::DatasetFormat f)
{
    switch (f) {
    case lora::DatasetFormat::Text: return QObject::tr("Text (causal LM, packed blocks)");
    case lora::DatasetFormat::Jsonl: return QObject::tr("JSONL (causal LM, one example a line)");
    case lora::DatasetFormat::Csv: return QObject::tr("CSV (classification: text, label)");
    case lora::DatasetFormat::Tsv: return QObject::tr("TSV (classification: text, label)");
    case lora::DatasetFormat::Auto: break;
    }
    return QObject::tr("Auto");
}

int64_t learnedTokens(const lora::Example& e)
{
    int64_t n = 0;
    for (size_t i = 1; i < e.labels.size(); ++i)  // as computeStats counts: after the shift by one
        n += e.labels[i] != lora::kIgnoreIndex;
    return n;
}

}  // namespace

DataPage::DataPage(QWidget* parent)
    : QWidget(parent),
      fileLabel_(new QLabel),
      busy_(new QProgressBar),
      banner_(new MessageBanner),
      examples_(new QLabel),
      tokens_(new QLabel),
      lossTokens_(new QLabel),
      truncated_(new QLabel),
      train_(new QLabel),
      validationCount_(new QLabel),
      histogram_(new LengthHistogram),
      tabs_(new QTabWidget),
      exampleList_(new QListWidget),
      tokenView_(new QTextBrowser),
      badRowTable_(new QTableWidget)
{
    setAcceptDrops(true);
    openAction_ = new QAction(tr("Open &Dataset File…"), this);
    openAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openAction_->setStatusTip(tr("Open a dataset: .txt, .jsonl, .csv or .tsv"));
    connect(openAction_, &QAction::triggered, this, &DataPage::chooseFile);

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 4, 0);
    leftLayout->addWidget(buildSources(), 1);
    leftLayout->addWidget(buildOptions());
    left->setMinimumWidth(300);
    left->setMaximumWidth(400);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(left);
    layout->addWidget(buildResults(), 1);

    connect(&job_, &DatasetLoadJob::finished, this, &DataPage::onLoaded);
    rebuildRecentMenu();
    clearDataset();
    setTokenizer(nullptr);
}

QWidget* DataPage::buildSources()
{
    auto* open = new QPushButton(tr("Open file…"));
    open->setObjectName("openButton");
    open->setToolTip(tr("Open a dataset file (Ctrl+Shift+O). You can also drop a file on this page."));
    connect(open, &QPushButton::clicked, openAction_, &QAction::trigger);
    recent_ = new QToolButton;
    recent_->setText(tr("Recent"));
    recent_->setPopupMode(QToolButton::InstantPopup);
    recent_->setMenu(new QMenu(recent_));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(open, 1);
    buttons->addWidget(recent_);

    bundled_ = new QListWidget;
    bundled_->setObjectName("bundledList");
    bundled_->setToolTip(tr("Small datasets that come with LoRA Studio. Click one to load it."));
    const QString folder = bundledDatasetsFolder();
    for (const QString& path : findDatasetFiles(folder)) {
        auto* item = new QListWidgetItem(QDir(folder).relativeFilePath(path), bundled_);
        item->setData(Qt::UserRole, path);
        const QString title = bundledDatasetTitle(path);
        item->setToolTip((title.isEmpty() ? QString() : "<b>" + title.toHtmlEscaped() + "</b><br>") +
                         QDir::toNativeSeparators(path).toHtmlEscaped());
    }
    auto* about = new QLabel;
    about->setObjectName("bundledAbout");
    about->setWordWrap(true);
    about->setTextFormat(Qt::RichText);
    about->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    about->setMinimumHeight(fontMetrics().lineSpacing() * 4);
    about->setText(tr("Click a dataset to load it; what it contains appears here."));
    connect(bundled_, &QListWidget::currentItemChanged, about, [about](QListWidgetItem* item) {
        if (item)
            about->setText(bundledDatasetAbout(item->data(Qt::UserRole).toString()));
    });
    auto* bundledHint = new QLabel;
    bundledHint->setWordWrap(true);
    bundledHint->setForegroundRole(QPalette::PlaceholderText);
    if (bundled_->count() == 0)
        bundledHint->setText(tr("No bundled datasets found in %1.").arg(QDir::toNativeSeparators(folder)));
    bundledHint->setVisible(bundled_->count() == 0);
    connect(bundled_, &QListWidget::itemClicked, this,
            [this](QListWidgetItem* item) { openFile(item->data(Qt::UserRole).toString()); });
    connect(bundled_, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { openFile(item->data(Qt::UserRole).toString()); });

    auto* box = new QGroupBox(tr("Dataset"));
    auto* layout = new QVBoxLayout(box);
    layout->addLayout(buttons);
    layout->addWidget(new QLabel(tr("Bundled with LoRA Studio:")));
    layout->addWidget(bundled_, 1);
    layout->addWidget(bundledHint);
    layout->addWidget(about);
    return box;
}

QWidget* DataPage::buildOptions()
{
    format_ = new QComboBox;
    format_->setObjectName("formatCombo");
    for (auto f : {lora::DatasetFormat::Auto, lora::DatasetFormat::Text, lora::DatasetFormat::Jsonl,
                   lora::DatasetFormat::Csv, lora::DatasetFormat::Tsv})
        format_->addItem(formatTitle(f), int(f));
    format_->setToolTip(tr("How the file is read. Auto decides from the extension, then the content. Text and "
                           "JSONL train a causal language model; CSV/TSV with text and label columns train a "
                           "classifier."));
    badRows_ = new QComboBox;
    badRows_->setObjectName("badRowsCombo");
    badRows_->addItem(tr("Stop at the first bad row"), int(lora::BadRowPolicy::Fail));
    badRows_->addItem(tr("Skip bad rows and list them"), int(lora::BadRowPolicy::Skip));
    badRows_->setToolTip(tr("A bad row is one that cannot become an example (not UTF-8, invalid JSON, a missing "
                            "field, ...). Stopping shows the first one; skipping loads the rest and lists them."));
    const lora::DatasetOptions defaults;
    blockSize_ = new QSpinBox;
    blockSize_->setObjectName("blockSizeSpin");
    blockSize_->setRange(2, 1 << 20);
    blockSize_->setValue(defaults.blockSize);
    blockSize_->setToolTip(tr("Text files: the token stream of all documents is cut into blocks of this many "
                              "tokens; each block is one training example."));
    maxLength_ = new QSpinBox;
    maxLength_->setObjectName("maxLengthSpin");
    maxLength_->setRange(2, 1 << 20);
    maxLength_->setValue(defaults.maxLength);
    maxLength_->setToolTip(tr("JSONL and CSV/TSV: longer examples are cut to this many tokens (counted as "
                              "truncated). Longer sequences cost memory quadratically in attention."));
    validation_ = new QDoubleSpinBox;
    validation_->setObjectName("validationSpin");
    validation_->setRange(0, 0.5);
    validation_->setSingleStep(0.05);
    validation_->setDecimals(2);
    validation_->setValue(0.1);
    validation_->setToolTip(tr("The share of examples held out to measure the loss on data the model does not "
                               "train on: it tells learning from memorising."));
    seed_ = new QSpinBox;
    seed_->setObjectName("seedSpin");
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setValue(42);
    seed_->setToolTip(tr("The same seed gives the same split on every machine."));

    auto* box = new QGroupBox(tr("Reading and splitting"));
    auto* form = new QFormLayout(box);
    form->addRow(tr("Format:"), format_);
    form->addRow(tr("Bad rows:"), badRows_);
    form->addRow(tr("Block size (text):"), blockSize_);
    form->addRow(tr("Max length (JSONL, CSV):"), maxLength_);
    form->addRow(tr("Validation fraction:"), validation_);
    form->addRow(tr("Split seed:"), seed_);

    for (QComboBox* c : {format_, badRows_})
        connect(c, &QComboBox::currentIndexChanged, this, &DataPage::startLoad);
    connect(format_, &QComboBox::currentIndexChanged, this, &DataPage::updateFormatHint);
    // Spin boxes reload when editing is done, not on every keystroke of "1024".
    for (QSpinBox* s : {blockSize_, maxLength_}) {
        s->setKeyboardTracking(false);
        connect(s, &QSpinBox::valueChanged, this, &DataPage::startLoad);
    }
    validation_->setKeyboardTracking(false);
    seed_->setKeyboardTracking(false);
    connect(validation_, &QDoubleSpinBox::valueChanged, this, &DataPage::updateSplit);
    connect(seed_, &QSpinBox::valueChanged, this, &DataPage::updateSplit);
    connect(validation_, &QDoubleSpinBox::valueChanged, this, [this] { Q_EMIT splitOptionsChanged(validationFraction(), splitSeed()); });
    connect(seed_, &QSpinBox::valueChanged, this, [this] { Q_EMIT splitOptionsChanged(validationFraction(), splitSeed()); });
    return box;
}

QWidget* DataPage::buildResults()
{
    fileLabel_->setObjectName("fileLabel");
    fileLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = fileLabel_->font();
    bold.setBold(true);
    fileLabel_->setFont(bold);
    busy_->setObjectName("busyIndicator");
    busy_->setRange(0, 0);  // indeterminate: the reader does not know the total up front
    busy_->setMaximumWidth(160);
    busy_->setTextVisible(false);
    busy_->hide();
    banner_->setObjectName("messageLabel");
    auto* header = new QHBoxLayout;
    header->addWidget(fileLabel_, 1);
    header->addWidget(busy_);

    examples_->setObjectName("examplesValue");
    tokens_->setObjectName("tokensValue");
    lossTokens_->setObjectName("lossTokensValue");
    truncated_->setObjectName("truncatedValue");
    train_->setObjectName("trainValue");
    validationCount_->setObjectName("validationValue");
    auto* figures = new QHBoxLayout;
    figures->addWidget(makeStatTile(tr("Examples"), examples_, tr("Training examples made from the file.")));
    figures->addWidget(makeStatTile(tr("Tokens"), tokens_, tr("All tokens of all examples.")));
    figures->addWidget(makeStatTile(tr("Tokens in the loss"), lossTokens_,
                                    tr("Tokens the model learns to predict (label ≠ −100, after the shift by one). "
                                       "Prompts are read, not learned.")));
    figures->addWidget(makeStatTile(tr("Truncated"), truncated_, tr("Examples cut to the maximum length.")));
    figures->addWidget(makeStatTile(tr("Train"), train_, tr("Examples the model trains on.")));
    figures->addWidget(makeStatTile(tr("Validation"), validationCount_, tr("Examples held out for evaluation.")));

    histogram_->setObjectName("lengthHistogram");

    exampleList_->setObjectName("exampleList");
    exampleList_->setToolTip(tr("The first examples of the dataset; select one to see its tokens."));
    tokenView_->setObjectName("tokenView");
    tokenView_->setOpenLinks(false);
    legend_ = new QLabel;
    auto* legend = legend_;
    legend->setObjectName("tokenLegend");
    legend->setWordWrap(true);
    legend->setText(tokenLegendHtml(palette()));
    auto* tokensPane = new QWidget;
    auto* tokensLayout = new QVBoxLayout(tokensPane);
    tokensLayout->setContentsMargins(0, 0, 0, 0);
    tokensLayout->addWidget(legend);
    tokensLayout->addWidget(tokenView_, 1);
    auto* preview = new QSplitter(Qt::Horizontal);
    preview->addWidget(exampleList_);
    preview->addWidget(tokensPane);
    preview->setStretchFactor(0, 2);
    preview->setStretchFactor(1, 3);
    preview->setSizes({330, 520});  // wide enough for "#12 · line 12 · 98 tokens · 11 learned"
    connect(exampleList_, &QListWidget::currentRowChanged, this, &DataPage::showExample);

    badRowTable_->setObjectName("badRowTable");
    badRowTable_->setColumnCount(2);
    badRowTable_->setHorizontalHeaderLabels({tr("Line"), tr("Problem")});
    badRowTable_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    badRowTable_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    badRowTable_->verticalHeader()->hide();
    badRowTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    badRowTable_->setWordWrap(true);

    tabs_->setObjectName("resultTabs");
    tabs_->addTab(preview, tr("Preview"));
    tabs_->addTab(badRowTable_, tr("Bad rows"));

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(histogram_);
    split->addWidget(tabs_);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);

    auto* results = new QWidget;
    auto* layout = new QVBoxLayout(results);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(banner_);
    layout->addLayout(figures);
    layout->addWidget(split, 1);
    return results;
}

lora::DatasetOptions DataPage::options() const
{
    lora::DatasetOptions o;
    o.format = static_cast<lora::DatasetFormat>(format_->currentData().toInt());
    o.badRows = static_cast<lora::BadRowPolicy>(badRows_->currentData().toInt());
    o.blockSize = blockSize_->value();
    o.maxLength = maxLength_->value();
    return o;
}

double DataPage::validationFraction() const { return validation_->value(); }
quint64 DataPage::splitSeed() const { return quint64(seed_->value()); }

void DataPage::setFormat(lora::DatasetFormat format) { format_->setCurrentIndex(format_->findData(int(format))); }

void DataPage::setBlockSize(int tokens) { blockSize_->setValue(tokens); }
void DataPage::setMaxLength(int tokens) { maxLength_->setValue(tokens); }
void DataPage::setValidationFraction(double fraction) { validation_->setValue(fraction); }
void DataPage::setSplitSeed(quint64 seed) { seed_->setValue(int(std::min<quint64>(seed, quint64(std::numeric_limits<int>::max())))); }

void DataPage::setBadRowPolicy(lora::BadRowPolicy policy)
{
    badRows_->setCurrentIndex(badRows_->findData(int(policy)));
}

void DataPage::setTokenizer(std::shared_ptr<const lora::Tokenizer> tokenizer, const QString& source)
{
    tokenizer_ = std::move(tokenizer);
    tokenizerSource_ = source;
    startLoad();
}

void DataPage::openFile(const QString& file)
{
    file_ = QFileInfo(file).absoluteFilePath();
    for (int i = 0; i < bundled_->count(); ++i)  // a bundled file shows as chosen, with its description
        if (QFileInfo(bundled_->item(i)->data(Qt::UserRole).toString()).absoluteFilePath() == file_)
            bundled_->setCurrentRow(i);
    rememberRecent(file_);
    startLoad();
}

void DataPage::chooseFile()
{
    QSettings settings;
    const QString start = settings.value("data/lastFolder", bundledDatasetsFolder()).toString();
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open Dataset File"), start,
        tr("Datasets (*.txt *.md *.jsonl *.ndjson *.json *.csv *.tsv);;All files (*)"));
    if (file.isEmpty())
        return;
    settings.setValue("data/lastFolder", QFileInfo(file).absolutePath());
    openFile(file);
}

void DataPage::startLoad()
{
    if (file_.isEmpty()) {
        if (!tokenizer_)
            banner_->showMessage(MessageBanner::Kind::Info,
                                 tr("Load a model first: the dataset is tokenised with the model's tokenizer."));
        else
            banner_->showMessage(MessageBanner::Kind::Info,
                                 tr("Choose a dataset: a bundled one on the left, <b>Open file…</b> "
                                    "(Ctrl+Shift+O), or drop a file here."));
        return;
    }
    fileLabel_->setText(QDir::toNativeSeparators(file_));
    if (!tokenizer_) {
        job_.cancel();
        busy_->hide();
        clearDataset();
        if (tokenizerSource_.isEmpty())
            banner_->showMessage(MessageBanner::Kind::Info,
                                 tr("Load a model first: the dataset is tokenised with the model's tokenizer. "
                                    "This file will load as soon as a model is open."));
        else
            banner_->showMessage(MessageBanner::Kind::Error,
                                 tr("The model in %1 has no tokenizer.json, so this dataset cannot be tokenised. "
                                    "Open a model folder that includes its tokenizer.")
                                     .arg(QDir::toNativeSeparators(tokenizerSource_).toHtmlEscaped()));
        return;
    }
    busy_->show();
    banner_->showMessage(MessageBanner::Kind::Info, tr("Reading and tokenising %1 …")
                                                        .arg(QFileInfo(file_).fileName().toHtmlEscaped()));
    job_.start(file_, tokenizer_, options());
}

void DataPage::onLoaded(const QString& file, const LoadedDataset& result)
{
    busy_->hide();
    if (!result.error.isEmpty()) {
        clearDataset();
        // core's message already names the file and, for a bad row, its line.
        banner_->showMessage(MessageBanner::Kind::Error,
                             tr("<b>Could not load the dataset.</b> %1").arg(result.error.toHtmlEscaped()));
        Q_EMIT loadFailed(file, result.error);
        Q_EMIT datasetChanged();
        return;
    }
    dataset_ = result.dataset;
    stats_ = result.stats;
    QStringList notes;
    for (const auto& w : dataset_->warnings)
        notes << QString::fromStdString(w).toHtmlEscaped();
    if (!dataset_->badRows.empty())
        notes << tr("%1 skipped; see the Bad rows tab.")
                     .arg(countOf(qint64(dataset_->badRows.size()), tr("bad row"), tr("bad rows")));
    if (notes.isEmpty())
        banner_->clearMessage();
    else
        banner_->showMessage(MessageBanner::Kind::Info, notes.join("<br>"));
    showDataset();
    Q_EMIT datasetLoaded(file);
    Q_EMIT datasetChanged();
}

void DataPage::showDataset()
{
    const auto& d = *dataset_;
    const int autoIndex = format_->findData(int(lora::DatasetFormat::Auto));
    format_->setItemText(autoIndex, tr("Auto — %1").arg(formatTitle(d.format)));
    updateFormatHint();

    examples_->setText(count(stats_.examples));
    tokens_->setText(count(stats_.totalTokens));
    lossTokens_->setText(d.task == lora::TaskKind::Classification ? tr("— (classes)") : count(stats_.lossTokens));
    truncated_->setText(count(stats_.truncated));
    legend_->setText(d.task == lora::TaskKind::Classification
                         ? tr("Classification: the model reads every token and learns the example's class, so no "
                              "token is in a language-modelling loss. Alternating shades mark token boundaries.")
                         : tokenLegendHtml(palette()));
    const int64_t limit = d.format == lora::DatasetFormat::Text ? blockSize_->value() : maxLength_->value();
    histogram_->setHistogram(stats_.histogram, limit);

    badRowTable_->setRowCount(int(d.badRows.size()));
    for (int i = 0; i < int(d.badRows.size()); ++i) {
        auto* line = new QTableWidgetItem;
        line->setData(Qt::DisplayRole, qlonglong(d.badRows[i].line));
        line->setTextAlignment(Qt::AlignRight | Qt::AlignTop);
        badRowTable_->setItem(i, 0, line);
        badRowTable_->setItem(i, 1, new QTableWidgetItem(QString::fromStdString(d.badRows[i].problem)));
    }
    badRowTable_->resizeRowsToContents();
    tabs_->setTabText(1, tr("Bad rows (%1)").arg(d.badRows.size()));
    updateSplit();  // fills the example list too: it marks validation examples
}

void DataPage::clearDataset()
{
    dataset_.reset();
    stats_ = {};
    split_ = {};
    for (QLabel* l : {examples_, tokens_, lossTokens_, truncated_, train_, validationCount_})
        l->setText(QStringLiteral("—"));
    histogram_->clearHistogram();
    exampleList_->clear();
    tokenView_->clear();
    badRowTable_->setRowCount(0);
    tabs_->setTabText(1, tr("Bad rows"));
    format_->setItemText(format_->findData(int(lora::DatasetFormat::Auto)), tr("Auto"));
    if (file_.isEmpty())
        fileLabel_->setText(tr("No dataset chosen"));
}

void DataPage::updateSplit()
{
    if (!dataset_)
        return;
    split_ = lora::splitTrainValidation(dataset_->examples.size(), validation_->value(), splitSeed());
    train_->setText(count(int64_t(split_.train.size())));
    validationCount_->setText(count(int64_t(split_.validation.size())));

    const int previous = std::max(0, exampleList_->currentRow());
    std::vector<bool> held(dataset_->examples.size(), false);
    for (size_t i : split_.validation)
        held[i] = true;
    exampleList_->clear();
    const int shown = int(std::min<size_t>(dataset_->examples.size(), kPreviewExamples));
    for (int i = 0; i < shown; ++i) {
        const auto& e = dataset_->examples[size_t(i)];
        QString text = tr("#%1 · line %2 · %3 tokens").arg(i + 1).arg(e.line).arg(e.inputIds.size());
        if (dataset_->task == lora::TaskKind::CausalLM)
            text += tr(" · %1 learned").arg(learnedTokens(e));
        else if (e.classId >= 0 && size_t(e.classId) < dataset_->labelNames.size())
            text += tr(" · %1").arg(QString::fromStdString(dataset_->labelNames[size_t(e.classId)]));
        if (e.truncated)
            text += tr(" · cut");
        auto* item = new QListWidgetItem(text, exampleList_);
        if (held[size_t(i)]) {
            // Held out: shown, never trained on.
            item->setText(text + tr(" · val"));
            QFont f = item->font();
            f.setItalic(true);
            item->setFont(f);
            item->setToolTip(tr("In the validation split: used to measure the loss, never trained on."));
        }
    }
    if (dataset_->examples.size() > size_t(shown))
        exampleList_->addItem(tr("… %1 more examples").arg(count(int64_t(dataset_->examples.size()) - shown)));
    exampleList_->setCurrentRow(std::min(previous, shown - 1));
    Q_EMIT datasetChanged();
}

void DataPage::showExample(int row)
{
    if (!dataset_ || !tokenizer_ || row < 0 || size_t(row) >= dataset_->examples.size() || row >= kPreviewExamples) {
        tokenView_->clear();
        return;
    }
    const auto& e = dataset_->examples[size_t(row)];
    QString head = tr("<p><b>Example %1</b> — line %2, %3 tokens").arg(row + 1).arg(e.line).arg(e.inputIds.size());
    if (dataset_->task == lora::TaskKind::CausalLM)
        head += tr(", %1 in the loss").arg(learnedTokens(e));
    else if (e.classId >= 0 && size_t(e.classId) < dataset_->labelNames.size())
        head += tr(", class <b>%1</b> (id %2)")
                    .arg(QString::fromStdString(dataset_->labelNames[size_t(e.classId)]).toHtmlEscaped())
                    .arg(e.classId);
    if (e.truncated)
        head += tr(", <i>truncated</i>");
    head += "</p>";
    tokenView_->setHtml(head + exampleTokensHtml(e, *tokenizer_, palette()));
}

void DataPage::updateFormatHint()
{
    // Only the length option that applies to the format in use is editable.
    auto f = static_cast<lora::DatasetFormat>(format_->currentData().toInt());
    if (f == lora::DatasetFormat::Auto && dataset_)
        f = dataset_->format;
    blockSize_->setEnabled(f == lora::DatasetFormat::Auto || f == lora::DatasetFormat::Text);
    maxLength_->setEnabled(f != lora::DatasetFormat::Text);
}

void DataPage::rememberRecent(const QString& file)
{
    rememberRecentItem("data/recent", file);
    rebuildRecentMenu();
}

void DataPage::rebuildRecentMenu()
{
    QMenu* menu = recent_->menu();
    menu->clear();
    const QStringList recent = QSettings().value("data/recent").toStringList();
    for (const QString& file : recent)
        menu->addAction(QDir::toNativeSeparators(file), this, [this, file] { openFile(file); });
    recent_->setEnabled(!recent.isEmpty());
}

void DataPage::dragEnterEvent(QDragEnterEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.size() == 1 && QFileInfo(urls.first().toLocalFile()).isFile())
        event->acceptProposedAction();
}

void DataPage::dropEvent(QDropEvent* event)
{
    openFile(event->mimeData()->urls().first().toLocalFile());
    event->acceptProposedAction();
}
