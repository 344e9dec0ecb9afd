#include "adapter/target_grid.h"

#include "adapter/rank_override_delegate.h"
#include "lora/lora_targets.h"

#include <QContextMenuEvent>
#include <QHeaderView>
#include <QLocale>
#include <QMenu>
#include <QScrollBar>

#include <algorithm>
#include <utility>

namespace {

QString headerText(const QString& kind)
{
    // "self_attn.q_proj" -> "self_attn" over "q_proj": narrow columns, and the part that differs stands alone.
    const int dot = kind.lastIndexOf('.');
    return dot < 0 ? kind : kind.left(dot) + '\n' + kind.mid(dot + 1);
}

QString moduleToolTip(const lora::ModuleInfo& m)
{
    const bool conv = m.type == "Conv1D";  // GPT-2 stores [in, out]
    const int64_t in = conv ? m.weightShape[0] : m.weightShape[1];
    const int64_t out = conv ? m.weightShape[1] : m.weightShape[0];
    return QObject::tr("<b>%1</b><br>%2: %3 inputs → %4 outputs (%5 weights)<br>Tick it to adapt it; "
                       "double-click or right-click to give it its own rank.")
        .arg(QString::fromStdString(m.name), QString::fromStdString(m.type), QLocale().toString(qlonglong(in)),
             QLocale().toString(qlonglong(out)), QLocale().toString(qlonglong(in * out)));
}

}  // namespace

TargetGrid::TargetGrid(QWidget* parent) : QTableWidget(parent)
{
    setItemDelegate(new RankOverrideDelegate(this));
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    setWordWrap(false);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    horizontalHeader()->setMinimumSectionSize(72);
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    // Header clicks tick or untick a whole column (every layer's q_proj) or row (every module of a layer).
    connect(horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int c) { toggle(columnItems(c)); });
    connect(verticalHeader(), &QHeaderView::sectionClicked, this, [this](int r) { toggle(rowItems(r)); });
    connect(this, &QTableWidget::itemChanged, this, &TargetGrid::onItemChanged);
    connect(this, &QTableWidget::currentItemChanged, this, [this](QTableWidgetItem* current) {
        Q_EMIT currentModuleChanged(current ? current->data(NameRole).toString() : QString());
    });
    setToolTip(tr("Rows are transformer blocks (layers), columns the kinds of linear module inside a block. Tick "
                  "a cell to adapt that module; click a header to tick a whole column or row."));
}

void TargetGrid::clearModules()
{
    setMaximumHeight(QWIDGETSIZE_MAX);
    const bool was = std::exchange(updating_, true);
    clear();
    setRowCount(0);
    setColumnCount(0);
    order_.clear();
    items_.clear();
    kinds_.clear();
    blockRows_ = 0;
    updating_ = was;
}

void TargetGrid::setModules(const lora::ModelDescription& model)
{
    clearModules();
    const bool was = std::exchange(updating_, true);
    std::vector<const lora::ModuleInfo*> inside, outside;
    for (const auto* m : lora::adaptableModules(model)) {
        order_.push_back(m->name);
        const int layer = lora::layerIndexOf(m->name);
        (layer >= 0 ? inside : outside).push_back(m);
        if (layer >= 0) {
            blockRows_ = std::max(blockRows_, layer + 1);
            const QString kind = QString::fromStdString(lora::moduleKind(m->name));
            if (!kinds_.contains(kind))
                kinds_ << kind;
        }
    }
    blockRows_ = std::max(blockRows_, inside.empty() ? 0 : model.numLayers);
    setColumnCount(std::max<int>(1, int(kinds_.size())));
    setRowCount(blockRows_ + int(outside.size()));

    QStringList headers;
    for (const QString& kind : kinds_)
        headers << headerText(kind);
    setHorizontalHeaderLabels(headers.isEmpty() ? QStringList{tr("module")} : headers);
    for (int c = 0; c < kinds_.size(); ++c)
        horizontalHeaderItem(c)->setToolTip(tr("%1 in every block — click to tick or untick the column").arg(kinds_[c]));
    QStringList rows;
    for (int layer = 0; layer < blockRows_; ++layer)
        rows << tr("layer %1").arg(layer);
    for (size_t i = 0; i < outside.size(); ++i)
        rows << tr("other");
    setVerticalHeaderLabels(rows);

    auto makeItem = [&](const lora::ModuleInfo& m) {
        auto* item = new QTableWidgetItem;
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable | Qt::ItemIsEditable);
        item->setCheckState(Qt::Unchecked);
        item->setData(NameRole, QString::fromStdString(m.name));
        item->setData(RankOverrideDelegate::RankRole, 0);
        item->setToolTip(moduleToolTip(m));
        items_[QString::fromStdString(m.name)] = item;
        return item;
    };
    for (const auto* m : inside)
        setItem(lora::layerIndexOf(m->name), int(kinds_.indexOf(QString::fromStdString(lora::moduleKind(m->name)))),
                makeItem(*m));
    for (size_t i = 0; i < outside.size(); ++i) {
        const int row = blockRows_ + int(i);
        auto* item = makeItem(*outside[i]);
        const QString label = QString::fromStdString(outside[i]->name);
        item->setData(LabelRole, label);
        item->setText(label);
        setItem(row, 0, item);
        if (columnCount() > 1)
            setSpan(row, 0, 1, columnCount());
    }
    // Small models need few rows: let the page give the spare height to the charts instead of blank grid.
    int contentHeight = horizontalHeader()->sizeHint().height() + 2 * frameWidth() + 2;
    for (int r = 0; r < rowCount(); ++r)
        contentHeight += verticalHeader()->defaultSectionSize();
    setMaximumHeight(contentHeight + (horizontalScrollBar()->isVisible() ? horizontalScrollBar()->height() : 0));
    // Cells for a kind that a block lacks stay empty and inert.
    for (int r = 0; r < blockRows_; ++r)
        for (int c = 0; c < columnCount(); ++c)
            if (!item(r, c)) {
                auto* empty = new QTableWidgetItem;
                empty->setFlags(Qt::NoItemFlags);
                setItem(r, c, empty);
            }
    updating_ = was;
}

std::vector<std::string> TargetGrid::tickedModules() const
{
    std::vector<std::string> names;
    for (const auto& name : order_)
        if (items_.at(QString::fromStdString(name))->checkState() == Qt::Checked)
            names.push_back(name);
    return names;
}

void TargetGrid::setTicked(const std::set<std::string>& names)
{
    const bool was = std::exchange(updating_, true);
    for (const auto& [name, item] : items_)
        item->setCheckState(names.count(name.toStdString()) ? Qt::Checked : Qt::Unchecked);
    updating_ = was;
    Q_EMIT targetsEdited();
}

std::map<std::string, int> TargetGrid::rankOverrides() const
{
    std::map<std::string, int> ranks;
    for (const auto& [name, item] : items_)
        if (const int r = item->data(RankOverrideDelegate::RankRole).toInt(); r > 0)
            ranks[name.toStdString()] = r;
    return ranks;
}

void TargetGrid::setRankOverride(const std::string& name, int rank)
{
    if (auto* item = itemForModule(QString::fromStdString(name)))
        item->setData(RankOverrideDelegate::RankRole, std::max(0, rank));  // itemChanged -> targetsEdited
}

void TargetGrid::showEffective(const std::map<std::string, int>& adaptedRanks)
{
    const bool was = std::exchange(updating_, true);
    QColor tint = palette().color(QPalette::Highlight);
    tint.setAlpha(70);
    for (const auto& [name, item] : items_) {
        const auto it = adaptedRanks.find(name.toStdString());
        const int own = item->data(RankOverrideDelegate::RankRole).toInt();
        QString rankText;
        if (it != adaptedRanks.end())
            rankText = tr("r %1").arg(it->second);
        else if (own > 0)
            rankText = tr("(r %1)").arg(own);  // its own rank, waiting for the cell to be ticked
        const QString label = item->data(LabelRole).toString();
        item->setText(label.isEmpty() ? rankText : rankText.isEmpty() ? label : label + "   " + rankText);
        item->setData(Qt::BackgroundRole, it != adaptedRanks.end() ? QVariant(QBrush(tint)) : QVariant());
        QFont f = font();
        f.setBold(own > 0);  // a cell with its own rank stands out from the default
        item->setFont(f);
    }
    updating_ = was;
}

void TargetGrid::setTicksEnabled(bool enabled)
{
    ticksEnabled_ = enabled;
    const bool was = std::exchange(updating_, true);
    for (auto& [name, item] : items_)
        item->setFlags(enabled ? item->flags() | Qt::ItemIsUserCheckable : item->flags() & ~Qt::ItemIsUserCheckable);
    updating_ = was;
}

QString TargetGrid::currentModule() const
{
    auto* item = currentItem();
    return item ? item->data(NameRole).toString() : QString();
}

bool TargetGrid::selectModule(const QString& name)
{
    auto* item = itemForModule(name);
    if (item)
        setCurrentItem(item);
    return item != nullptr;
}

QTableWidgetItem* TargetGrid::itemForModule(const QString& name) const
{
    const auto it = items_.find(name);
    return it == items_.end() ? nullptr : it->second;
}

void TargetGrid::onItemChanged(QTableWidgetItem* item)
{
    if (!updating_ && item && !item->data(NameRole).toString().isEmpty())
        Q_EMIT targetsEdited();
}

QList<QTableWidgetItem*> TargetGrid::rowItems(int row) const
{
    QList<QTableWidgetItem*> list;
    for (int c = 0; c < columnCount(); ++c)
        if (auto* i = item(row, c); i && !i->data(NameRole).toString().isEmpty())
            list << i;
    return list;
}

QList<QTableWidgetItem*> TargetGrid::columnItems(int column) const
{
    QList<QTableWidgetItem*> list;
    for (int r = 0; r < blockRows_; ++r)
        if (auto* i = item(r, column); i && !i->data(NameRole).toString().isEmpty())
            list << i;
    return list;
}

void TargetGrid::toggle(const QList<QTableWidgetItem*>& items)
{
    if (items.isEmpty() || !ticksEnabled_)
        return;
    const bool allTicked = std::all_of(items.begin(), items.end(), [](auto* i) { return i->checkState() == Qt::Checked; });
    const bool was = std::exchange(updating_, true);
    for (auto* i : items)
        i->setCheckState(allTicked ? Qt::Unchecked : Qt::Checked);
    updating_ = was;
    Q_EMIT targetsEdited();
}

void TargetGrid::contextMenuEvent(QContextMenuEvent* event)
{
    auto* item = itemAt(viewport()->mapFromGlobal(event->globalPos()));
    if (!item || item->data(NameRole).toString().isEmpty())
        return;
    const std::string name = item->data(NameRole).toString().toStdString();
    const int own = item->data(RankOverrideDelegate::RankRole).toInt();
    QMenu menu(this);
    menu.setToolTipsVisible(true);
    auto* title = menu.addAction(tr("Rank of %1").arg(item->data(NameRole).toString()));
    title->setEnabled(false);
    auto* useDefault = menu.addAction(tr("Default rank (the page's r)"), this, [this, name] { setRankOverride(name, 0); });
    useDefault->setCheckable(true);
    useDefault->setChecked(own == 0);
    for (int r : {1, 2, 4, 8, 16, 32, 64, 128}) {
        auto* a = menu.addAction(tr("r = %1").arg(r), this, [this, name, r] { setRankOverride(name, r); });
        a->setCheckable(true);
        a->setChecked(own == r);
    }
    menu.addAction(tr("Other rank…"), this, [this, item] { editItem(item); });
    menu.addSeparator();
    const int row = this->row(item), column = this->column(item);
    menu.addAction(tr("Tick or untick this layer"), this, [this, row] { toggle(rowItems(row)); })->setEnabled(ticksEnabled_);
    if (row < blockRows_)
        menu.addAction(tr("Tick or untick this column"), this, [this, column] { toggle(columnItems(column)); })
            ->setEnabled(ticksEnabled_);
    menu.exec(event->globalPos());
}
