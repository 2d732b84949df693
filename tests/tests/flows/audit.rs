//! What happened and what is at risk: activity, the access review, the inventory export.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn flow16_an_edit_appears_in_activity_and_in_the_keys_own_history() -> Result<()> {
    launch().await?.run("flow16-activity", activity).await
}

async fn activity(app: &App) -> Result<()> {
    let actions = public_key_of(app, "GitHub Actions deploy").await?;
    open_key(app, &actions).await?;
    app.fill("access-input", "203.0.113.7").await?;
    app.click("access-add").await?;
    app.find("access-entry-203.0.113.7").await?;

    // Activity, newest first: the edit, as a sentence.
    app.click("nav-activity").await?;
    let rows = activity_rows(app, "activity-feed").await?;
    let (kind, newest) = rows.first().cloned().unwrap_or_default();
    check(
        kind == "API_KEY_ACCESS_LIST_ENTRY_ADDED",
        format!("newest event: {kind}"),
    )?;
    let expected =
        format!("added 203.0.113.7 to the access list of GitHub Actions deploy ({actions}) from ");
    check(
        newest.starts_with("Sandbox administrator (")
            && newest.contains(&expected)
            && newest.ends_with("just now"),
        format!("the sentence: {newest}"),
    )?;
    // The seeded history goes back about 90 days.
    check(
        rows.iter().any(|(_, text)| text.contains("days ago")),
        "older events are shown",
    )?;
    check(rows.len() > 20, format!("{} rows", rows.len()))?;

    // Filtered by type: only the creations.
    app.click("activity-type").await?;
    app.click("activity-type-API_KEY_CREATED").await?;
    wait_until("the type filter applies", || async {
        let rows = activity_rows(app, "activity-feed").await?;
        Ok(!rows.is_empty() && rows.iter().all(|(kind, _)| kind == "API_KEY_CREATED"))
    })
    .await?;
    app.screenshot("activity").await?;
    // A range that ends before it starts is refused in words.
    app.fill("activity-from", "2026-11-24").await?;
    app.fill("activity-to", "2026-11-01\u{E007}").await?;
    let said = app
        .wait_text("activity-feed-error", |text| {
            text.contains("ends before it starts")
        })
        .await?;
    check(said.contains("\"to\" date"), format!("what to fix: {said}"))?;
    app.click("activity-clear").await?;

    // The key's own Activity tab: its history only, this edit first.
    open_key(app, &actions).await?;
    app.click("details-tab-activity").await?;
    let own = activity_rows(app, "details-activity").await?;
    check(
        own.first()
            .is_some_and(|(_, text)| text.contains(&expected)),
        format!("the key's history starts with the edit: {own:?}"),
    )?;
    check(
        own.iter()
            .all(|(_, text)| text.contains(&format!("({actions})"))),
        "every event is about this key",
    )?;
    check(
        own.last()
            .is_some_and(|(kind, _)| kind == "API_KEY_CREATED"),
        format!("it goes back to the key's creation: {own:?}"),
    )?;
    app.screenshot("key-activity").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow17_access_review_finds_the_risky_keys_and_goes_to_the_fix() -> Result<()> {
    launch()
        .await?
        .run("flow17-access-review", access_review)
        .await
}

/// The credentials (public keys or client ids) a finding lists, all of
/// them shown first.
async fn finding_items(app: &App, kind: &str) -> Result<Vec<String>> {
    let more = format!("[data-testid='finding-{kind}-more']");
    for _ in 0..50 {
        if app.find_all_css(&more).await?.is_empty() {
            break;
        }
        app.click(&format!("finding-{kind}-more")).await?;
    }
    let mut ids = Vec::new();
    for item in app
        .find_all_css(&format!("[data-testid='finding-{kind}-item']"))
        .await?
    {
        ids.push(
            item.attr("data-credential")
                .await
                .map_err(HarnessError::WebDriver)?
                .unwrap_or_default(),
        );
    }
    Ok(ids)
}

async fn access_review(app: &App) -> Result<()> {
    let open = public_key_of(app, "Partner integration").await?;
    let listless = public_key_of(app, "Legacy migration script").await?;
    let unused = public_key_of(app, "Billing export").await?;
    app.click("nav-review").await?;
    // Reviewed once every access list and project list is read.
    app.find_css("[data-testid='access-review'][data-state='reviewed'][data-not-read='0']")
        .await?;
    check(
        app.attr("finding-openToInternet", "data-severity").await? == "high",
        "an open key is a high finding",
    )?;
    let open_items = finding_items(app, "openToInternet").await?;
    check(
        open_items.contains(&open),
        format!("open to the internet: {open_items:?}"),
    )?;
    let no_list = finding_items(app, "noAccessList").await?;
    check(
        no_list.contains(&listless),
        format!("no access list: {no_list:?}"),
    )?;
    let unknown = finding_items(app, "useUnknown").await?;
    check(
        unknown.contains(&listless),
        format!("use that cannot be known: {unknown:?}"),
    )?;
    let never = finding_items(app, "neverUsed").await?;
    check(never.contains(&unused), format!("never used: {never:?}"))?;
    let owners = finding_items(app, "orgOwners").await?;
    check(owners.contains(&listless), format!("owners: {owners:?}"))?;
    // The demo's service accounts: a rotation under way, an expired secret.
    check(
        !finding_items(app, "secretsExpiring").await?.is_empty()
            && !finding_items(app, "expiredSecrets").await?.is_empty(),
        "the secrets findings",
    )?;
    app.screenshot("access-review").await?;

    // Stricter thresholds, kept with the connection: more is unused.
    let before = finding_items(app, "notUsedRecently").await?.len();
    app.fill("review-unused-days", "0").await?;
    app.click("review-save-thresholds").await?;
    let said = app
        .wait_text("review-thresholds-error", |text| {
            text.contains("1 to 3,650")
        })
        .await?;
    check(said.contains("days"), format!("what to fix: {said}"))?;
    app.fill("review-unused-days", "2").await?;
    app.click("review-save-thresholds").await?;
    app.wait_text("finding-notUsedRecently-title", |title| {
        title.contains("not used in 2 days")
    })
    .await?;
    check(
        finding_items(app, "notUsedRecently").await?.len() > before,
        "more keys are unused at 2 days",
    )?;

    // The finding's button goes straight to the key, where it is fixed.
    app.click(&format!("finding-openToInternet-open-{open}"))
        .await?;
    app.find("key-details").await?;
    check(
        app.text("details-public-key").await? == open,
        "the open key is shown",
    )?;
    app.find("access-entry-0.0.0.0/0").await?;
    // Back in the review, the thresholds are still the connection's.
    app.click("nav-review").await?;
    check(
        app.value("review-unused-days").await? == "2",
        "the threshold is kept",
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow18_export_the_inventory_through_the_save_dialog() -> Result<()> {
    launch().await?.run("flow18-export", export_inventory).await
}

async fn export_inventory(app: &App) -> Result<()> {
    let dir = tempfile::tempdir().map_err(io("make a folder for the export"))?;
    let path = dir.path().join("credentials.csv");
    app.click("nav-organization").await?;
    let keys: usize = app.text("key-count").await?.parse().unwrap_or(0);
    app.click("tab-service-accounts").await?;
    let accounts: usize = app
        .text("service-account-count")
        .await?
        .parse()
        .unwrap_or(0);
    check(
        keys > 0 && accounts > 0,
        format!("{keys} keys, {accounts} accounts"),
    )?;

    let text = export_csv(app, "export-inventory", &path).await?;
    let mut lines = text.lines();
    check(
        lines
            .next()
            .is_some_and(|header| header.starts_with("kind,id,name,organization roles")),
        "the header",
    )?;
    let rows: Vec<&str> = lines.collect();
    check(
        rows.len() == keys + accounts,
        format!(
            "{} rows for {keys} keys and {accounts} accounts",
            rows.len()
        ),
    )?;
    check(
        rows.iter()
            .filter(|row| row.starts_with("API key,"))
            .count()
            == keys,
        "one row per key",
    )?;
    check(
        rows.iter().any(|row| row.contains("0.0.0.0/0")),
        "the access lists are there",
    )?;
    for secret_shape in ["********", "mdb_sa_sk_", "privateKey", "clientSecret"] {
        check(
            !text.contains(secret_shape),
            format!("no secret in the export: {secret_shape}"),
        )?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow30_every_organization_is_reviewed_with_a_finding_count_each_and_exported() -> Result<()>
{
    launch()
        .await?
        .run("flow30-every-organization", every_organization)
        .await
}

async fn every_organization(app: &App) -> Result<()> {
    app.click("nav-review").await?;
    app.click("every-org-start").await?;
    app.find_css("[data-testid='every-org'][data-state='reviewed']")
        .await?;
    let mut rows = Vec::new();
    for row in app.find_all_css("[data-testid='every-org-row']").await? {
        rows.push((
            row.attr("data-org").await?.unwrap_or_default(),
            row.attr("data-status").await?.unwrap_or_default(),
            row.attr("data-findings")
                .await?
                .unwrap_or_default()
                .parse::<usize>()
                .unwrap_or(0),
        ));
    }
    check(
        rows.len() == 2
            && rows
                .iter()
                .all(|(_, status, findings)| status == "reviewed" && *findings > 0),
        format!("both organizations reviewed, each with its findings: {rows:?}"),
    )?;
    let corp = rows.iter().find(|(name, _, _)| name == "Acme Corp");
    check(corp.is_some(), format!("Acme Corp is listed: {rows:?}"))?;
    app.screenshot("review-every-organization").await?;

    // The export: an Organization column, and each organization's count.
    let dir = tempfile::tempdir().map_err(io("make a folder for the export"))?;
    let path = dir.path().join("every-org.csv");
    let text = export_csv(app, "export-every-org", &path).await?;
    check(
        text.starts_with("organization,findings,review,severity,finding,credential"),
        format!("the header: {}", text.lines().next().unwrap_or_default()),
    )?;
    for (name, _, findings) in &rows {
        check(
            text.lines()
                .any(|line| line.starts_with(&format!("{name},{findings},reviewed,"))),
            format!("{name} with its {findings} findings: {text}"),
        )?;
    }
    check(
        text.contains("Acme Corp,") && text.contains("MCP delegated access is read and write"),
        "the organization's own findings are in it",
    )?;

    // The inventory of every organization: one file, an Organization column.
    let path = dir.path().join("every-inventory.csv");
    let text = export_csv(app, "export-every-inventory", &path).await?;
    check(
        text.starts_with("organization,kind,id,name,"),
        format!("the header: {}", text.lines().next().unwrap_or_default()),
    )?;
    for name in ["Acme Corp", "Acme Research"] {
        check(
            text.lines()
                .any(|line| line.starts_with(&format!("{name},API key,"))),
            format!("{name}'s keys are in it"),
        )?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow31_a_run_over_every_organization_stops_when_asked() -> Result<()> {
    // Eight organizations of 800 keys: each takes a second or more to read,
    // so Stop lands while the run is under way.
    let app = App::launch_with_env(&[("AAM_SANDBOX_SEED", "orgs:8:800")]).await?;
    app.find("keys-table").await?;
    app.run("flow31-every-organization-stop", stop_every_organization)
        .await
}

async fn stop_every_organization(app: &App) -> Result<()> {
    app.click("nav-review").await?;
    app.click("every-org-start").await?;
    // Stop once an organization is done, well before the last is.
    app.wait_text("every-org-progress", |text| {
        under_way(text, " of 8 organizations")
    })
    .await?;
    // The inventory export would stop it: it is not offered meanwhile.
    check(
        app.attr("export-every-inventory-csv", "aria-disabled")
            .await?
            == "true",
        "no inventory export during the review",
    )?;
    app.click("every-org-stop").await?;
    app.find_css("[data-testid='every-org'][data-state='reviewed']")
        .await?;
    let mut statuses = Vec::new();
    for row in app.find_all_css("[data-testid='every-org-row']").await? {
        statuses.push(row.attr("data-status").await?.unwrap_or_default());
    }
    let reviewed = statuses.iter().filter(|s| *s == "reviewed").count();
    // Reviewed ones first, then the stopped ones: nothing read after Stop.
    check(
        statuses.len() == 8
            && (1..8).contains(&reviewed)
            && statuses[reviewed..].iter().all(|s| s == "cancelled"),
        format!("some reviewed, the rest stopped: {statuses:?}"),
    )?;
    check(
        app.text_css("[data-testid='every-org-results']")
            .await?
            .contains("stopped before it was read"),
        "a stopped organization says so",
    )?;
    wait_for_words(
        app,
        &format!("Stopped: reviewed {reviewed} of 8 organizations"),
    )
    .await?;
    app.screenshot("review-every-organization-stopped").await?;

    // Its export lists the stopped organizations as such.
    let dir = tempfile::tempdir().map_err(io("make a folder for the export"))?;
    let path = dir.path().join("every-org.csv");
    let text = export_csv(app, "export-every-org", &path).await?;
    check(
        text.lines()
            .filter(|line| line.ends_with(",0,stopped before it was read,,,"))
            .count()
            == 8 - reviewed,
        format!("each stopped organization has its row: {text}"),
    )?;

    // The inventory of every organization, stopped: no file, and it says so.
    let path = dir.path().join("every-inventory.csv");
    app.click("export-every-inventory-csv").await?;
    save_in_dialog(app, &path).await?;
    app.wait_text("export-every-inventory-progress", |text| {
        under_way(text.trim_start_matches("Reading "), " of 8")
    })
    .await?;
    check(
        app.attr("every-org-start", "aria-disabled").await? == "true",
        "no review during the inventory export",
    )?;
    app.click("every-org-stop").await?;
    wait_until("the export to end", || async {
        Ok(app.attr("export-every-inventory", "data-busy").await? == "false")
    })
    .await?;
    wait_for_words(app, "Stopped: no file was written").await?;
    check(!path.exists(), "a stopped export writes no file")?;
    Ok(())
}

/// Whether a progress line "N{rest}…" counts at least one done, with at
/// least four still to go (time for a click to land before the end).
fn under_way(progress: &str, rest: &str) -> bool {
    progress
        .split_once(rest)
        .and_then(|(done, _)| done.parse::<usize>().ok())
        .is_some_and(|done| (1..=4).contains(&done))
}
