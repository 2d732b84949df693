//! A new secret handed straight to the Atlas CLI: a new key saved as a new
//! profile, a rotated key written into the profile the old key was in, each
//! where the CLI reads it and nothing on the clipboard or in config.toml.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn flow29_a_new_and_a_rotated_key_go_straight_to_atlas_cli_profiles() -> Result<()> {
    launch()
        .await?
        .run("flow29-atlas-cli-profile", save_to_atlas_cli)
        .await
}

/// What the Atlas CLI's keyring library reads for `property` of `profile`.
async fn cli_keychain(profile: &str, property: &str) -> String {
    secret_service_lookup(&format!("atlascli_{profile}"), property).await
}

/// Opens the one-time dialog's panel that saves to an Atlas CLI profile.
async fn open_cli_panel(app: &App) -> Result<()> {
    app.click("one-time-cli-open").await?;
    app.find("one-time-cli").await?;
    Ok(())
}

/// Closes the one-time dialog, which saving counted as copied.
async fn close_after_saving(app: &App, secret: &str) -> Result<()> {
    check(
        app.attr("one-time-close", "aria-disabled").await? == "false",
        "saving to the CLI counts as copied",
    )?;
    check(
        !clipboard().await.contains(secret),
        "nothing was put on the clipboard",
    )?;
    app.click("one-time-close").await?;
    app.wait_gone("one-time-dialog").await
}

async fn save_to_atlas_cli(app: &App) -> Result<()> {
    // The CLI's config, with a profile of the key about to be rotated.
    let terraform = public_key_of(app, "Terraform CI (production)").await?;
    let config = app.data_home().join("config/atlascli/config.toml");
    std::fs::create_dir_all(config.parent().unwrap_or(&config))
        .map_err(io("make the Atlas CLI's folder"))?;
    let original = format!(
        "# written by hand\nskip_update_check = true\n\n[ops]\n  # the on-call profile\n  org_id = \"6a790a000000000000000001\"\n  public_api_key = \"{terraform}\"\n  output = \"json\"\n"
    );
    std::fs::write(&config, &original).map_err(io("write the Atlas CLI's config"))?;
    let read_config = || std::fs::read_to_string(&config).map_err(io("read the CLI's config"));

    // A new key, saved as a new profile named after it.
    app.click("create-key").await?;
    app.type_into("create-desc", "E2E CLI bot").await?;
    app.toggle("create-roles-ORG_MEMBER").await?;
    app.type_into("create-access", CURRENT_IP).await?;
    app.click("create-submit").await?;
    let secret = one_time_secret(app).await?;
    let public_key = app.text("one-time-public-key").await?;
    open_cli_panel(app).await?;
    check(
        app.value("one-time-cli-name").await? == "e2e-cli-bot",
        "a new profile, named after the key",
    )?;
    app.screenshot("save-to-atlas-cli").await?;
    app.click("one-time-cli-save").await?;
    let said = app
        .wait_text("one-time-cli-saved", |text| !text.is_empty())
        .await?;
    check(
        said.contains("e2e-cli-bot") && said.contains("atlascli_e2e-cli-bot"),
        format!("where it went: {said}"),
    )?;
    close_after_saving(app, &secret).await?;
    let text = read_config()?;
    check(!text.contains(&secret), "config.toml holds no secret")?;
    check(
        text.contains("# the on-call profile") && text.contains("skip_update_check = true"),
        format!("the rest of the file is kept: {text}"),
    )?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| HarnessError::Check(format!("the config is TOML: {e}")))?;
    let bot = table
        .get("e2e-cli-bot")
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default();
    check(
        bot.get("public_api_key").and_then(toml::Value::as_str) == Some(public_key.as_str())
            && bot.get("auth_type").and_then(toml::Value::as_str) == Some("api_keys")
            && bot.contains_key("org_id")
            && bot.contains_key("ops_manager_url"),
        format!("the profile as the CLI reads it: {bot:?}"),
    )?;
    check(
        cli_keychain("e2e-cli-bot", "private_api_key").await == secret,
        "the private key is under the CLI's service and property",
    )?;

    // Rotating Terraform's key: the new one goes into the profile the old one was in.
    open_key(app, &terraform).await?;
    app.click("details-rotate").await?;
    app.find("rotate-key").await?;
    app.click("rotate-create").await?;
    let rotated = one_time_secret(app).await?;
    let new_key = app.text("one-time-public-key").await?;
    open_cli_panel(app).await?;
    app.wait_select("one-time-cli-profile", |text| {
        text.contains(&format!("ops (uses {terraform})"))
    })
    .await?;
    app.click("one-time-cli-save").await?;
    app.find("one-time-cli-replace-warning").await?;
    app.screenshot("save-to-atlas-cli-replace").await?;
    app.click("one-time-cli-confirm-replace").await?;
    let said = app
        .wait_text("one-time-cli-saved", |text| !text.is_empty())
        .await?;
    check(
        said.contains("config.toml.") && said.contains(".bak"),
        format!("the backup is named: {said}"),
    )?;
    close_after_saving(app, &rotated).await?;
    let text = read_config()?;
    check(!text.contains(&rotated), "config.toml holds no secret")?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| HarnessError::Check(format!("the config is TOML: {e}")))?;
    check(
        table["ops"]
            .get("public_api_key")
            .and_then(toml::Value::as_str)
            == Some(new_key.as_str())
            && table["ops"].get("output").and_then(toml::Value::as_str) == Some("json"),
        format!("ops now signs in with the new key: {:?}", table["ops"]),
    )?;
    check(
        cli_keychain("ops", "private_api_key").await == rotated,
        "the new private key is where the CLI reads ops's",
    )?;
    let backups: Vec<String> = std::fs::read_dir(config.parent().unwrap_or(&config))
        .map_err(io("list the CLI's folder"))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".bak"))
        .collect();
    check(!backups.is_empty(), "the old config is kept")?;

    // Back through the app's own import: ops signs in with the new key.
    app.click("nav-connections").await?;
    app.click("import-atlas-cli").await?;
    app.wait_text("connection-name-atlascli-ops", |name| {
        name == "ops (Atlas CLI)"
    })
    .await?;
    check(
        keychain_entry("atlascli-ops").await == rotated,
        "the imported profile holds the rotated key",
    )?;
    Ok(())
}
