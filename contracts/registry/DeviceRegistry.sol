// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";

/// @title DeviceRegistry
/// @notice ERC-721 registry of physical devices: device-key proof of possession, maker attestation, classes,
/// location cells, suspension and deregistration. See `IDeviceRegistry`.
contract DeviceRegistry is ERC721, AccessControl, Pausable, EIP712, Nonces, IDeviceRegistry {
    /// @inheritdoc IDeviceRegistry
    bytes32 public constant FRAUD_ROLE = keccak256("FRAUD_ROLE");
    /// @inheritdoc IDeviceRegistry
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IDeviceRegistry
    uint32 public constant MAX_CLASS_WEIGHT_BPS = 100_000;

    // EIP-712 type strings are longer than 32 bytes by nature; they are hashed at compile time.
    // solhint-disable gas-small-strings
    /// @inheritdoc IDeviceRegistry
    bytes32 public constant REGISTER_TYPEHASH = keccak256(
        "Register(address owner,uint8 deviceClass,uint64 cell,uint256 nonce,uint256 deadline)"
    );
    /// @inheritdoc IDeviceRegistry
    bytes32 public constant ATTEST_TYPEHASH = keccak256(
        "Attest(address deviceKey,uint8 deviceClass,uint32 makerGeneration)"
    );
    /// @inheritdoc IDeviceRegistry
    bytes32 public constant MOVE_TYPEHASH = keccak256(
        "Move(uint256 deviceId,address owner,uint64 cell,uint256 nonce,uint256 deadline)"
    );
    // solhint-enable gas-small-strings

    mapping(uint256 deviceId => Device) private _devices;
    mapping(uint8 deviceClass => ClassConfig) private _classes;
    mapping(address maker => MakerStatus) private _makers;

    /// @param name_ ERC-721 name, also the EIP-712 domain name (version "1").
    /// @param symbol_ ERC-721 symbol.
    /// @param admin Receives DEFAULT_ADMIN_ROLE (makers, classes, role grants); later the timelock.
    constructor(string memory name_, string memory symbol_, address admin) ERC721(name_, symbol_) EIP712(name_, "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Registration and device lifecycle
    // ----------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IDeviceRegistry
    function register(
        address deviceKey,
        address owner,
        uint8 deviceClass,
        uint64 cell,
        uint256 deadline,
        bytes calldata deviceSignature,
        address maker,
        bytes calldata makerSignature
    ) external whenNotPaused returns (uint256 deviceId) {
        _checkDeadline(deadline);
        if (!_classes[deviceClass].enabled) revert RegistryClassDisabled(deviceClass);
        MakerStatus memory makerStatus = _makers[maker];
        if (!makerStatus.approved) revert RegistryMakerNotApproved(maker);
        deviceId = deviceIdOf(deviceKey);
        DeviceStatus current = _devices[deviceId].status;
        if (current != DeviceStatus.None) revert RegistryDeviceAlreadyRegistered(deviceId, current);

        _checkRegisterSignature(deviceKey, owner, deviceClass, cell, deadline, deviceSignature);
        bytes32 attestHash = keccak256(abi.encode(ATTEST_TYPEHASH, deviceKey, deviceClass, makerStatus.generation));
        if (!_signedBy(attestHash, makerSignature, maker)) revert RegistryInvalidMakerSignature(maker);

        // Effects before the mint's receiver callback (`_safeMint`), so a reentrant receiver sees a complete record.
        _devices[deviceId] = Device({
            ownerAtDeregistration: address(0),
            cell: cell,
            deviceClass: deviceClass,
            status: DeviceStatus.Active
        });
        emit DeviceRegistered(deviceId, owner, maker, deviceClass, cell);
        _safeMint(owner, deviceId);
    }

    /// @inheritdoc IDeviceRegistry
    function moveDevice(uint256 deviceId, uint64 newCell, uint256 deadline, bytes calldata deviceSignature) external {
        address owner = _checkOwner(deviceId);
        Device storage record = _devices[deviceId];
        if (record.status != DeviceStatus.Active) revert RegistryDeviceNotActive(deviceId, record.status);
        uint64 oldCell = record.cell;
        if (oldCell == newCell) revert RegistryCellUnchanged(deviceId, newCell);
        _checkDeadline(deadline);
        address deviceKey = address(uint160(deviceId));
        bytes32 moveHash = keccak256(
            abi.encode(MOVE_TYPEHASH, deviceId, owner, newCell, _useNonce(deviceKey), deadline)
        );
        if (!_signedBy(moveHash, deviceSignature, deviceKey)) revert RegistryInvalidDeviceSignature(deviceKey);

        record.cell = newCell;
        emit DeviceMoved(deviceId, oldCell, newCell);
    }

    /// @inheritdoc IDeviceRegistry
    function suspend(uint256 deviceId, uint32 reasonCode) external onlyRole(FRAUD_ROLE) {
        Device storage record = _devices[deviceId];
        if (record.status != DeviceStatus.Active) revert RegistryDeviceNotActive(deviceId, record.status);
        record.status = DeviceStatus.Suspended;
        emit DeviceSuspended(deviceId, reasonCode, msg.sender);
    }

    /// @inheritdoc IDeviceRegistry
    function unsuspend(uint256 deviceId) external onlyRole(FRAUD_ROLE) {
        Device storage record = _devices[deviceId];
        if (record.status != DeviceStatus.Suspended) revert RegistryDeviceNotSuspended(deviceId, record.status);
        record.status = DeviceStatus.Active;
        emit DeviceUnsuspended(deviceId, msg.sender);
    }

    /// @inheritdoc IDeviceRegistry
    function deregister(uint256 deviceId) external {
        address owner = _checkOwner(deviceId);
        Device storage record = _devices[deviceId];
        if (record.status != DeviceStatus.Active) revert RegistryDeviceNotActive(deviceId, record.status);
        record.status = DeviceStatus.Deregistered;
        record.ownerAtDeregistration = owner;
        emit DeviceDeregistered(deviceId, owner);
        _burn(deviceId);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Governance
    // ----------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IDeviceRegistry
    function approveMaker(address maker) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (maker == address(0)) revert RegistryMakerZeroAddress();
        MakerStatus storage makerStatus = _makers[maker];
        if (makerStatus.approved) revert RegistryMakerAlreadyApproved(maker);
        makerStatus.approved = true;
        emit MakerApproved(maker, makerStatus.generation);
    }

    /// @inheritdoc IDeviceRegistry
    function revokeMaker(address maker) external onlyRole(DEFAULT_ADMIN_ROLE) {
        MakerStatus storage makerStatus = _makers[maker];
        if (!makerStatus.approved) revert RegistryMakerNotApproved(maker);
        makerStatus.approved = false;
        // A new generation: every attestation signed so far (under the old one) is dead, even after a re-approval.
        uint32 generation = makerStatus.generation + 1;
        makerStatus.generation = generation;
        emit MakerRevoked(maker, generation);
    }

    /// @inheritdoc IDeviceRegistry
    function setDeviceClass(
        uint8 deviceClass,
        uint32 rewardWeightBps,
        uint128 minBond_,
        bool enabled
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (rewardWeightBps == 0 || rewardWeightBps > MAX_CLASS_WEIGHT_BPS) {
            revert RegistryClassWeightOutOfRange(deviceClass, rewardWeightBps, MAX_CLASS_WEIGHT_BPS);
        }
        ClassConfig memory current = _classes[deviceClass];
        if (current.rewardWeightBps == rewardWeightBps && current.minBond == minBond_ && current.enabled == enabled) {
            revert RegistryClassUnchanged(deviceClass);
        }
        _classes[deviceClass] = ClassConfig({rewardWeightBps: rewardWeightBps, minBond: minBond_, enabled: enabled});
        emit DeviceClassSet(deviceClass, rewardWeightBps, minBond_, enabled);
    }

    /// @inheritdoc IDeviceRegistry
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IDeviceRegistry
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IDeviceRegistry
    function deviceIdOf(address deviceKey) public pure returns (uint256) {
        return uint256(uint160(deviceKey));
    }

    /// @inheritdoc IDeviceRegistry
    function deviceOwner(uint256 deviceId) external view returns (address) {
        address owner = _ownerOf(deviceId);
        return owner != address(0) ? owner : _devices[deviceId].ownerAtDeregistration;
    }

    /// @inheritdoc IDeviceRegistry
    function deviceClassOf(uint256 deviceId) external view returns (uint8) {
        return _devices[deviceId].deviceClass;
    }

    /// @inheritdoc IDeviceRegistry
    function cellOf(uint256 deviceId) external view returns (uint64) {
        return _devices[deviceId].cell;
    }

    /// @inheritdoc IDeviceRegistry
    function status(uint256 deviceId) external view returns (DeviceStatus) {
        return _devices[deviceId].status;
    }

    /// @inheritdoc IDeviceRegistry
    function device(uint256 deviceId) external view returns (Device memory) {
        return _devices[deviceId];
    }

    /// @inheritdoc IDeviceRegistry
    function classConfig(uint8 deviceClass) external view returns (ClassConfig memory) {
        return _classes[deviceClass];
    }

    /// @inheritdoc IDeviceRegistry
    function minBond(uint8 deviceClass) external view returns (uint256) {
        return _classes[deviceClass].minBond;
    }

    /// @inheritdoc IDeviceRegistry
    function classWeightBps(uint8 deviceClass) external view returns (uint256) {
        return _classes[deviceClass].rewardWeightBps;
    }

    /// @inheritdoc IDeviceRegistry
    function isApprovedMaker(address maker) external view returns (bool) {
        return _makers[maker].approved;
    }

    /// @inheritdoc IDeviceRegistry
    function makerGeneration(address maker) external view returns (uint32) {
        return _makers[maker].generation;
    }

    /// @inheritdoc ERC721
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, AccessControl) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Internal
    // ----------------------------------------------------------------------------------------------------------------

    function _checkDeadline(uint256 deadline) private view {
        if (block.timestamp > deadline) revert RegistrySignatureExpired(deadline, block.timestamp);
    }

    /// @dev Verifies the device's `Register` signature and consumes the device key's nonce.
    function _checkRegisterSignature(
        address deviceKey,
        address owner,
        uint8 deviceClass,
        uint64 cell,
        uint256 deadline,
        bytes calldata deviceSignature
    ) private {
        bytes32 registerHash = keccak256(
            abi.encode(REGISTER_TYPEHASH, owner, deviceClass, cell, _useNonce(deviceKey), deadline)
        );
        if (!_signedBy(registerHash, deviceSignature, deviceKey)) revert RegistryInvalidDeviceSignature(deviceKey);
    }

    /// @dev Reverts unless the caller owns the NFT `deviceId`; returns the owner.
    function _checkOwner(uint256 deviceId) private view returns (address owner) {
        owner = _ownerOf(deviceId);
        if (owner != msg.sender) revert RegistryNotDeviceOwner(deviceId, msg.sender, owner);
    }

    /// @dev True iff `signature` is a valid 65-byte ECDSA signature of the EIP-712 digest of `structHash` by
    /// `signer`. Malformed signatures return false. `signer` is never zero on success (ecrecover failure is an error).
    function _signedBy(bytes32 structHash, bytes calldata signature, address signer) private view returns (bool) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(
            _hashTypedDataV4(structHash),
            signature
        );
        return err == ECDSA.RecoverError.NoError && recovered == signer;
    }
}
