// The Train page's memory estimate: core's estimate for the run about to start is shown with its breakdown,
// follows the batch size, and a run estimated not to fit asks before it starts (declining starts nothing).
#include "ui_test_support.h"

#include "adapter/adapter_page.h"
#include "train/train_page.h"

#include "lora/memory_estimate.h"

#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>

namespace {

QString shown(TrainPage* page) { return page->findChild<QLabel*>("memoryEstimateLabel")->text(); }

// Answers the next modal dialog with `button`, noting its object name.
void answerNextDialog(QMessageBox::StandardButton button, QString* seen)
{
    QTimer::singleShot(0, [=] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            *seen = box->objectName();
            box->button(button)->click();
        }
    });
}

}  // namespace

class TestTrainMemory final : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        uitest::isolate(dir_.path());
    }

    void estimateShownAndWarnsBeforeARunThatDoesNotFit()
    {
        MainWindow w;
        w.show();
        QVERIFY(uitest::openModel(w, uitest::kTrainModel));
        w.dataPage()->setMaxLength(128);
        QVERIFY(uitest::openDataset(w, uitest::writeInstructionDataset(dir_.path())));
        w.adapterPage()->choosePreset(TargetPreset::QueryValue);
        TrainPage* page = w.trainPage();
        page->findChild<QSpinBox*>("evalEverySpin")->setValue(0);
        page->setSteps(100000);
        qint64 available = qint64(64) << 30;
        page->setAvailableMemoryProvider([&available](const QString&) { return available; });
        page->findChild<QSpinBox*>("batchSpin")->setValue(2);
        w.tabs()->setCurrentWidget(page);

        // What the label says is core's estimate for this model, adapter, batch and longest example.
        int64_t longest = 0;
        for (const auto& e : w.dataPage()->dataset()->examples)
            longest = std::max<int64_t>(longest, int64_t(e.inputIds.size()));
        lora::MemoryEstimateSettings s;
        s.lora = w.adapterPage()->currentConfig();
        s.batchSize = 2;
        s.sequenceLength = longest;
        const auto estimate = lora::estimateTrainingMemory(w.modelPage()->loaded().model->description(), s);
        QVERIFY2(shown(page).contains(QString::fromStdString(lora::formatMemory(estimate.total()))),
                 qPrintable(shown(page)));
        QVERIFY(shown(page).contains(QString::fromStdString(lora::formatMemory(available))));
        const QString tip = page->findChild<QLabel*>("memoryEstimateLabel")->toolTip();
        QVERIFY(tip.contains("Activations") && tip.contains("AdamW") && tip.contains("Model weights"));

        // A larger batch keeps more activations: the label follows the spin box.
        s.batchSize = 64;
        const auto larger = lora::estimateTrainingMemory(w.modelPage()->loaded().model->description(), s);
        page->findChild<QSpinBox*>("batchSpin")->setValue(64);
        QVERIFY2(shown(page).contains(QString::fromStdString(lora::formatMemory(larger.total()))),
                 qPrintable(shown(page)));
        page->findChild<QSpinBox*>("batchSpin")->setValue(2);

        // Less memory than the estimate: Start asks first, and No starts nothing.
        available = estimate.total() / 2;
        page->refreshMemoryEstimate();
        QVERIFY(shown(page).contains("more than the device has"));
        QString dialog;
        answerNextDialog(QMessageBox::No, &dialog);
        QTest::mouseClick(page->findChild<QPushButton*>("startButton"), Qt::LeftButton);
        QCOMPARE(dialog, QString("memoryWarning"));
        QVERIFY(!page->run()->isActive());

        // Yes starts the run anyway: a warning, not a block.
        page->setOutputFolder(dir_.path() + "/run-anyway");
        dialog.clear();
        answerNextDialog(QMessageBox::Yes, &dialog);
        QSignalSpy finished(page->run(), &TrainingRun::finished);
        QTest::mouseClick(page->findChild<QPushButton*>("startButton"), Qt::LeftButton);
        QCOMPARE(dialog, QString("memoryWarning"));
        QVERIFY(page->run()->isActive());
        page->stop();
        QVERIFY(finished.wait(120000));

        // Enough memory: no question.
        page->setOutputFolder(dir_.path() + "/run-fits");
        available = estimate.total() * 4;
        dialog.clear();
        answerNextDialog(QMessageBox::No, &dialog);
        QTest::mouseClick(page->findChild<QPushButton*>("startButton"), Qt::LeftButton);
        QVERIFY(dialog.isEmpty());
        QVERIFY(page->run()->isActive());
        page->stop();
        QVERIFY(finished.wait(120000));
    }
};

QTEST_MAIN(TestTrainMemory)
#include "test_train_memory.moc"
